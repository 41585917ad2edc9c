import { useState } from 'react';
import type { GeneratedPose, Generation, GenerationProgress, Lumiku, ResultOf } from '@lumiku/pose-sdk';
import { ResultsGallery } from './ResultsGallery';

type Quote = ResultOf<'quoteGeneration'>;
const DEFAULT_MIX = 'fashion-standing=2,fashion-walking=2';

function parseMix(mix: string): Record<string, number> {
  return Object.fromEntries(
    mix
      .split(',')
      .map((part) => part.split('=').map((side) => side.trim()))
      .filter((pair): pair is [string, string] => pair.length === 2 && pair[0] !== '' && /^\d+$/.test(pair[1] ?? ''))
      .map(([category, count]) => [category, Number(count)]),
  );
}

interface Props {
  lumiku: Lumiku;
  avatarId: string | undefined;
  productId: string | undefined;
}

/** Quote, start, and follow one batch on the event stream; then its gallery. */
export function GenerationPanel({ lumiku, avatarId, productId }: Props) {
  const [mix, setMix] = useState(DEFAULT_MIX);
  const [quote, setQuote] = useState<Quote>();
  const [generation, setGeneration] = useState<Pick<Generation, 'id'> & GenerationProgress>();
  const [poses, setPoses] = useState<GeneratedPose[]>([]);
  const [error, setError] = useState('');
  const ready = avatarId !== undefined && productId !== undefined;
  const input = () => ({ avatarId: avatarId!, productId: productId!, distribution: parseMix(mix) });
  const running =
    generation !== undefined && !['completed', 'partial', 'failed', 'canceled'].includes(generation.status);

  const getQuote = () => {
    setError('');
    lumiku.generations.quote(input()).then(setQuote, (failure: Error) => setError(failure.message));
  };

  const start = async () => {
    setError('');
    setPoses([]);
    const created = await lumiku.generations.create(input());
    setGeneration(created);
    // Follows the event stream (fetch streaming: EventSource cannot send the token's Authorization header),
    // and polls instead if a proxy breaks the stream.
    const finished = await lumiku.generations.waitForCompletion(created.id, {
      onProgress: (progress) => setGeneration({ id: created.id, ...progress }),
    });
    setGeneration(finished);
    setPoses(await lumiku.generations.poses(created.id, { limit: 100 }).toArray());
  };

  return (
    <section className="card" data-testid="generation">
      <h2>Generate</h2>
      <label>
        Mix (category=count, …)
        <input value={mix} onChange={(e) => setMix(e.target.value)} data-testid="mix" />
      </label>
      <div className="actions">
        <button type="button" disabled={!ready} onClick={getQuote} data-testid="get-quote">
          Get a quote
        </button>
        <button
          type="button"
          disabled={!ready || !quote || running}
          onClick={() => void start().catch((failure: Error) => setError(failure.message))}
          data-testid="start-generation"
        >
          Start generation
        </button>
        {!ready && <span className="status">Upload an avatar and a product first.</span>}
      </div>
      {quote && (
        <p data-testid="quote">
          {quote.totalPoses} poses · {quote.credits} credits · about {quote.estimatedSeconds} s on {quote.provider}
        </p>
      )}
      {generation && (
        <div className="progress" data-testid="progress">
          <progress max={100} value={generation.progress} />
          <span>
            {generation.status} · {generation.successfulPoses} of {generation.totalPoses} done
            {generation.failedPoses > 0 && `, ${generation.failedPoses} failed`}
          </span>
        </div>
      )}
      {error && <p className="error">{error}</p>}
      {generation && poses.length > 0 && <ResultsGallery generationId={generation.id} poses={poses} />}
    </section>
  );
}
