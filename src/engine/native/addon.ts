export interface NativeStatus { active: boolean; isa?: string; threads?: number; reason?: string }
export function nativeStatus(): NativeStatus { return { active: false, reason: 'not built yet' }; }
