import { useEffect, useState } from 'react';
import type { Lumiku, PoseTemplate } from '@lumiku/pose-sdk';

const SIZE = { width: 192, height: 288 };

/**
 * A template's OpenPose control image. The route needs the bearer token, which an <img> cannot send,
 * so the SDK fetches it and the page shows the bytes as an object URL.
 */
export function ControlImage({ lumiku, template }: { lumiku: Lumiku; template: PoseTemplate }) {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    let objectUrl: string | undefined;
    let stopped = false;
    void lumiku.poseTemplates.controlImage(template.id, SIZE).then((image) => {
      if (stopped) return;
      objectUrl = URL.createObjectURL(image);
      setUrl(objectUrl);
    });
    return () => {
      stopped = true;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [lumiku, template.id]);
  return url ? <img src={url} alt={template.name} {...SIZE} /> : <div className="placeholder" style={SIZE} />;
}
