/** What a metrics row counts: generated poses, or uploaded avatars. */
export const DESIGN_TYPES = ['pose', 'avatar'] as const;
export type DesignType = (typeof DESIGN_TYPES)[number];
