import type { SpecialistRole } from './prompts.js';

const FALLBACK_FOCUS = 'the question as a whole, checking the others for gaps';

/**
 * Reads a professor's plan (`1. Role: focus` per line) into exactly `count` roles: a model
 * that lists too many is cut short, one that lists too few is topped up with generalists.
 */
export function parsePlan(text: string, count: number): SpecialistRole[] {
  const roles: SpecialistRole[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(?:[-*]|\d+[.)])?\s*([^:]{2,80}):\s*(.+)$/.exec(line);
    if (!match) continue;
    const name = match[1].replace(/\*\*/g, '').trim();
    if (!name || roles.some((r) => r.name.toLowerCase() === name.toLowerCase())) continue;
    roles.push({ name, focus: match[2].trim() });
    if (roles.length === count) break;
  }
  for (let i = roles.length; i < count; i++) {
    roles.push({ name: `generalist ${i + 1}`, focus: FALLBACK_FOCUS });
  }
  return roles;
}
