import { useState } from 'react';
import type { GeneratedPose, Schemas } from '@lumiku/pose-sdk';
import { shopApi } from './shop-api';

const FORMATS: Schemas['ExportFormat'][] = ['instagram-post', 'instagram-story', 'facebook-post', 'whatsapp-status'];

/** The detector's score of the render against the asked pose; offline previews are not scored. */
function qualityLabel(pose: GeneratedPose): string {
  if (pose.qualityScore === null) return pose.isPreview ? 'preview, not scored' : 'not scored';
  return `quality ${Math.round(pose.qualityScore * 100)}%`;
}

/** The batch's images with their quality scores, per-image exports and the whole ZIP. */
export function ResultsGallery({ generationId, poses }: { generationId: string; poses: GeneratedPose[] }) {
  const [exports, setExports] = useState<Record<string, { label: string; url?: string }>>({});
  const exportPose = (pose: GeneratedPose, format: Schemas['ExportFormat']) => {
    const key = `${pose.id}:${format}`;
    setExports((current) => ({ ...current, [key]: { label: 'exporting…' } }));
    shopApi.exportPose(pose, format).then(
      (result) =>
        setExports((current) => ({
          ...current,
          [key]: { label: `${result.width}×${result.height}`, url: result.url },
        })),
      (error: Error) => setExports((current) => ({ ...current, [key]: { label: error.message } })),
    );
  };
  const succeeded = poses.filter((pose) => pose.status === 'succeeded');
  return (
    <div data-testid="results">
      <div className="actions">
        <h3>Results</h3>
        <a className="button" href={shopApi.archiveUrl(generationId)} data-testid="download-zip">
          Download all ({succeeded.length}) as ZIP
        </a>
      </div>
      <div className="gallery results">
        {poses.map((pose) => (
          <figure key={pose.id} className={pose.lowQuality ? 'low-quality' : undefined} data-testid="result">
            {pose.thumbnailUrl ? (
              <a href={pose.outputUrl ?? undefined} target="_blank" rel="noreferrer">
                <img src={pose.thumbnailUrl} alt={`pose ${pose.slotIndex + 1}`} />
              </a>
            ) : (
              <div className="placeholder">{pose.failureReason ?? pose.status}</div>
            )}
            <figcaption>
              <strong>#{pose.slotIndex + 1}</strong> {pose.category} · {pose.name}
              <br />
              {qualityLabel(pose)}
              {pose.lowQuality && <span className="badge">low quality</span>}
            </figcaption>
            {pose.status === 'succeeded' && (
              <div className="exports">
                {FORMATS.map((format) => {
                  const done = exports[`${pose.id}:${format}`];
                  return done?.url ? (
                    <a key={format} href={done.url} target="_blank" rel="noreferrer">
                      {format} {done.label}
                    </a>
                  ) : (
                    <button key={format} type="button" onClick={() => exportPose(pose, format)}>
                      {done?.label ?? format}
                    </button>
                  );
                })}
              </div>
            )}
          </figure>
        ))}
      </div>
    </div>
  );
}
