import { useEffect, useState } from 'react';
import { HexColorInput, HexColorPicker } from 'react-colorful';
import type { BrandKit } from '@lumiku/pose-sdk';
import { shopApi } from './shop-api';

const MAX_COLORS = 5;

/** Name, tone and palette of the shop's brand kit; the colours steer every render's prompt and backdrop. */
export function BrandKitEditor() {
  const [kit, setKit] = useState<BrandKit>();
  const [draft, setDraft] = useState({ brandName: '', tone: '', colors: [] as string[] });
  const [selected, setSelected] = useState(0);
  const [status, setStatus] = useState('');

  useEffect(() => {
    void shopApi.brandKit().then((loaded) => {
      setKit(loaded);
      setDraft({ brandName: loaded.brandName, tone: loaded.tone ?? '', colors: loaded.colors });
    });
  }, []);
  if (!kit) return null;

  const setColor = (color: string) =>
    setDraft((current) => ({ ...current, colors: current.colors.map((c, i) => (i === selected ? color : c)) }));
  const addColor = () => {
    setDraft((current) => ({ ...current, colors: [...current.colors, '#888888'] }));
    setSelected(draft.colors.length);
  };
  const removeColor = () => {
    setDraft((current) => ({ ...current, colors: current.colors.filter((_c, i) => i !== selected) }));
    setSelected(0);
  };
  const save = () => {
    setStatus('Saving…');
    shopApi.saveBrandKit({ ...draft, tone: draft.tone || undefined }).then(
      (saved) => {
        setKit(saved);
        setStatus('Saved');
      },
      (error: Error) => setStatus(`Not saved: ${error.message}`),
    );
  };

  return (
    <section className="card" data-testid="brand-kit">
      <h2>Brand kit</h2>
      <div className="brand-kit">
        <div className="fields">
          <label>
            Brand name
            <input value={draft.brandName} onChange={(e) => setDraft({ ...draft, brandName: e.target.value })} />
          </label>
          <label>
            Tone
            <input
              value={draft.tone}
              placeholder="calm, playful…"
              onChange={(e) => setDraft({ ...draft, tone: e.target.value })}
            />
          </label>
          <div className="swatches">
            {draft.colors.map((color, index) => (
              <button
                key={index}
                type="button"
                aria-label={`colour ${index + 1}: ${color}`}
                className={index === selected ? 'swatch selected' : 'swatch'}
                style={{ background: color }}
                onClick={() => setSelected(index)}
              />
            ))}
            {draft.colors.length < MAX_COLORS && (
              <button type="button" className="swatch add" onClick={addColor} aria-label="add a colour">
                +
              </button>
            )}
          </div>
          <div className="actions">
            <button type="button" onClick={save} data-testid="save-brand-kit">
              Save brand kit
            </button>
            {draft.colors.length > 0 && (
              <button type="button" className="secondary" onClick={removeColor}>
                Remove colour
              </button>
            )}
            <span className="status">{status}</span>
          </div>
        </div>
        {draft.colors[selected] !== undefined && (
          <div className="picker">
            <HexColorPicker color={draft.colors[selected]} onChange={setColor} />
            <HexColorInput color={draft.colors[selected]} onChange={setColor} prefixed aria-label="hex colour" />
          </div>
        )}
      </div>
    </section>
  );
}
