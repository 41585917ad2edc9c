#!/usr/bin/env node
/**
 * Draws docs/performance.md's figures table and docs/performance-chart.svg from bench/results/*.json (written by
 * recordBenchResult in bench/support/results.ts). Plain Node, no dependencies; the same files always give the
 * same output, so the table and chart only change in a diff when a bench was run again.
 *
 *   npm run bench:report
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const RESULTS_DIR = path.join(BENCH_DIR, 'results');
const DOCS_DIR = path.join(BENCH_DIR, '..', '..', 'docs');
const PERFORMANCE_DOC = path.join(DOCS_DIR, 'performance.md');
const CHART = path.join(DOCS_DIR, 'performance-chart.svg');
const START = '<!-- bench-table:start -->';
const END = '<!-- bench-table:end -->';

/** Every readable result file, by file name; a malformed one is reported and left out, never fatal. */
async function readResults() {
  const names = (await readdir(RESULTS_DIR).catch(() => [])).filter((name) => name.endsWith('.json')).sort();
  const results = [];
  for (const name of names) {
    try {
      const result = JSON.parse(await readFile(path.join(RESULTS_DIR, name), 'utf8'));
      if (typeof result.bench !== 'string' || !Array.isArray(result.figures)) throw new Error('no bench or figures');
      const figures = result.figures.filter(
        (figure) =>
          typeof figure?.name === 'string' && typeof figure.value === 'number' && Number.isFinite(figure.value),
      );
      results.push({ ...result, lane: result.lane ?? 'unknown', figures, file: name });
    } catch (error) {
      console.warn(`bench:report: skipping ${name}: ${error.message}`);
    }
  }
  return results;
}

const hasTarget = (figure) =>
  (figure.target?.op === '<=' || figure.target?.op === '>=') &&
  typeof figure.target.value === 'number' &&
  figure.target.value > 0;

/** The figure as a fraction of its target; whether it is met depends on the direction. */
function against(figure) {
  const ratio = figure.value / figure.target.value;
  return { ratio, met: figure.target.op === '<=' ? ratio <= 1 : ratio >= 1 };
}

const formatNumber = (value) =>
  Math.abs(value) >= 100 ? String(Math.round(value)) : String(Number(value.toPrecision(3)));
const markdownCell = (text) => String(text).replaceAll('|', '\\|').replaceAll('\n', ' ');

function machineOf(result) {
  const machine = result.machine ?? {};
  const parts = [
    machine.cpus && `${machine.cpus} x ${machine.cpuModel ?? 'CPU'}`,
    machine.node && `Node ${machine.node.replace(/^v/, '')}`,
    machine.load && `load ${machine.load}`,
  ];
  return parts.filter(Boolean).join(', ') || 'unknown machine';
}

/** A table laid out as Prettier lays out markdown, so `npm run lint` passes on the generated file. */
function markdownTable(header, alignments, rows) {
  const cells = [header, ...rows].map((row) => row.map(markdownCell));
  const widths = header.map((_, column) => Math.max(3, ...cells.map((row) => row[column].length)));
  const pad = (text, column) =>
    alignments[column] === 'right'
      ? text.padStart(widths[column])
      : alignments[column] === 'center'
        ? text.padStart(Math.floor((widths[column] + text.length) / 2)).padEnd(widths[column])
        : text.padEnd(widths[column]);
  const rule = widths.map((width, column) => {
    if (alignments[column] === 'right') return `${'-'.repeat(width - 1)}:`;
    if (alignments[column] === 'center') return `:${'-'.repeat(width - 2)}:`;
    return '-'.repeat(width);
  });
  const line = (row) => `| ${row.join(' | ')} |`;
  return [line(cells[0].map(pad)), line(rule), ...cells.slice(1).map((row) => line(row.map(pad)))].join('\n');
}

function table(results) {
  if (results.length === 0) return '_No bench results yet: run a bench, then `npm run bench:report`._';
  const rows = [];
  for (const result of results) {
    const measured = `${(result.measuredAt ?? '').slice(0, 10) || '?'} (${machineOf(result)})`;
    for (const figure of result.figures) {
      const value = `${formatNumber(figure.value)} ${figure.unit ?? ''}`.trim();
      const target = hasTarget(figure) ? `${figure.target.op} ${formatNumber(figure.target.value)}` : '-';
      const met = hasTarget(figure) ? (against(figure).met ? 'yes' : 'no') : '-';
      rows.push([result.bench, result.lane, figure.name, value, target, met, measured]);
    }
  }
  const lines = [
    markdownTable(
      ['Bench', 'Lane', 'Figure', 'Value', 'Target', 'Met', 'Measured'],
      ['left', 'left', 'left', 'right', 'right', 'center', 'left'],
      rows,
    ),
  ];
  const commands = [...new Set(results.map((result) => result.command).filter(Boolean))];
  if (commands.length > 0) lines.push('', 'Reproduce:', '', ...commands.map((command) => `- \`${command}\``));
  return lines.join('\n');
}

const escapeXml = (text) =>
  String(text).replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** One bar per figure with a target: its value over the target, with the target drawn as a line at 1.0. */
function chart(results) {
  const bars = results.flatMap((result) =>
    result.figures.filter(hasTarget).map((figure) => ({ result, figure, ...against(figure) })),
  );
  const width = 960;
  const left = 24;
  const right = 24;
  const top = 56;
  const row = 46;
  const plotWidth = width - left - right;
  // Bars past 3× their target are cut there (and marked), so one bad figure does not flatten the rest.
  const maxRatio = Math.min(3, Math.max(1.5, ...bars.map((bar) => bar.ratio)));
  const x = (ratio) => left + (Math.min(ratio, maxRatio) / maxRatio) * plotWidth;
  const height = top + Math.max(1, bars.length) * row + 40;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${left}" y="24" font-size="16" font-weight="600" fill="#111">Lumiku Pose benchmarks: each figure as a fraction of its target</text>`,
    `<text x="${left}" y="42" fill="#555">Green: target met (at most, or at least, 1.0 as the target says). Bars are cut at ${formatNumber(maxRatio)}×.</text>`,
  ];
  if (bars.length === 0) {
    parts.push(`<text x="${left}" y="${top + 24}" fill="#555">No figure with a target yet.</text>`);
  }
  bars.forEach((bar, index) => {
    const y = top + index * row;
    const fullLabel = `${bar.result.bench} (${bar.result.lane}): ${bar.figure.name}`;
    const value = `${formatNumber(bar.figure.value)} ${bar.figure.unit ?? ''} ${bar.figure.target.op} ${formatNumber(bar.figure.target.value)}`;
    const end = Math.max(left + 2, x(bar.ratio));
    const ratioText = `${value}: ${formatNumber(bar.ratio)}×${bar.ratio > maxRatio ? ' (bar cut)' : ''}`;
    // About 7 px a character at this size: the label gives way to the figure when both would not fit.
    const room = Math.floor((plotWidth - 16) / 7) - ratioText.length;
    const label = fullLabel.length > room ? `${fullLabel.slice(0, Math.max(8, room - 1))}…` : fullLabel;
    parts.push(
      `<text x="${left}" y="${y + 13}" fill="#222">${escapeXml(label)}</text>`,
      `<rect x="${left}" y="${y + 19}" width="${(end - left).toFixed(1)}" height="16" rx="2" fill="${bar.met ? '#3a9d5d' : '#d0473c'}"/>`,
      `<text x="${left + plotWidth}" y="${y + 13}" text-anchor="end" fill="#222">${escapeXml(ratioText)}</text>`,
    );
  });
  const plotBottom = top + Math.max(1, bars.length) * row;
  const one = x(1);
  parts.push(
    ...bars.map(
      (_, index) =>
        `<line x1="${one.toFixed(1)}" y1="${top + index * row + 16}" x2="${one.toFixed(1)}" y2="${top + index * row + 38}" stroke="#111" stroke-width="1.5" stroke-dasharray="4 3"/>`,
    ),
    `<text x="${one.toFixed(1)}" y="${plotBottom + 18}" text-anchor="middle" fill="#111">1.0 = target</text>`,
    `<line x1="${left}" y1="${plotBottom}" x2="${left + plotWidth}" y2="${plotBottom}" stroke="#999"/>`,
    '</svg>',
  );
  return `${parts.join('\n')}\n`;
}

async function writeTable(markdown) {
  const doc = await readFile(PERFORMANCE_DOC, 'utf8').catch(() => '# Performance\n');
  const block = `${START}\n\n${markdown}\n\n${END}`;
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  const updated =
    start !== -1 && end > start
      ? doc.slice(0, start) + block + doc.slice(end + END.length)
      : `${doc.trimEnd()}\n\n${block}\n`;
  await writeFile(PERFORMANCE_DOC, updated);
}

const results = await readResults();
await writeTable(table(results));
await writeFile(CHART, chart(results));
console.log(
  `bench:report: ${results.length} result file(s) -> ${path.relative(process.cwd(), PERFORMANCE_DOC)}, ${path.relative(process.cwd(), CHART)}`,
);
