/** What a metrics row counts: generated poses (generation outcomes and their exports). */
export const DESIGN_TYPES = ['pose'] as const;
export type DesignType = (typeof DESIGN_TYPES)[number];
