/** Figures are reported rounded: to hundredths unless a finer ratio needs more digits. */
export function round(value: number, digits = 2): number {
	const scale = 10 ** digits;
	return Math.round(value * scale) / scale;
}

/** The value at `fraction` (0.5 = median) of ascending values; 0 for none. */
export function percentile(sorted: readonly number[], fraction: number): number {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}
