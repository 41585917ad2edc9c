import { useEffect, useState } from 'react';
import type { Lumiku, PoseTemplate, ResultOf } from '@lumiku/pose-sdk';
import { ControlImage } from './ControlImage';
import { DropZone } from './DropZone';
import { ShopError, shopApi } from './shop-api';

type Category = ResultOf<'listPoseTemplateCategories'>['data'][number];
const PAGE_SIZE = 12;

/** The pose library by category, and "pose from a photo" (through the shop's server). */
export function PoseLibrary({ lumiku }: { lumiku: Lumiku }) {
  const [categories, setCategories] = useState<Category[]>([]);
  const [category, setCategory] = useState<string>();
  const [templates, setTemplates] = useState<PoseTemplate[]>([]);
  const [fromPhoto, setFromPhoto] = useState<{ template?: PoseTemplate; message: string }>();

  useEffect(() => {
    void lumiku.poseTemplates.categories().then(({ data }) => {
      setCategories(data);
      setCategory((current) => current ?? data[0]?.category);
    });
  }, [lumiku]);
  useEffect(() => {
    if (!category) return;
    void lumiku.poseTemplates.list({ category, limit: PAGE_SIZE }).then((page) => setTemplates(page.data));
  }, [lumiku, category]);

  const poseFromPhoto = ([file]: File[]) => {
    if (!file) return;
    setFromPhoto({ message: 'Looking for a person…' });
    shopApi.poseFromPhoto(file).then(
      (template) => setFromPhoto({ template, message: `New template "${template.name}" in ${template.category}` }),
      (error: Error) =>
        setFromPhoto({
          message:
            error instanceof ShopError && error.code === 'no_person_found'
              ? 'No person found in that photo: try one with a whole body in view.'
              : `Not made: ${error.message}`,
        }),
    );
  };

  return (
    <section className="card" data-testid="pose-library">
      <h2>Pose library</h2>
      <div className="chips">
        {categories.map((entry) => (
          <button
            key={entry.category}
            type="button"
            className={entry.category === category ? 'chip selected' : 'chip'}
            onClick={() => setCategory(entry.category)}
          >
            {entry.category} <small>{entry.count}</small>
          </button>
        ))}
      </div>
      <div className="gallery poses" data-testid="pose-gallery">
        {templates.map((template) => (
          <figure key={template.id}>
            <ControlImage lumiku={lumiku} template={template} />
            <figcaption>{template.name}</figcaption>
          </figure>
        ))}
      </div>
      <h3>Pose from a photo</h3>
      <DropZone
        label="Drop a photo of a person to make a template of its pose"
        testId="photo-drop"
        multiple={false}
        onFiles={poseFromPhoto}
      />
      {fromPhoto && (
        <div className="from-photo" data-testid="from-photo-result">
          <p>{fromPhoto.message}</p>
          {fromPhoto.template && <ControlImage lumiku={lumiku} template={fromPhoto.template} />}
        </div>
      )}
    </section>
  );
}
