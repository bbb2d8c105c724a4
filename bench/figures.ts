/** Figures are reported rounded: to hundredths unless a finer ratio needs more digits. */
export function round(value: number, digits = 2): number {
	const scale = 10 ** digits;
	return Math.round(value * scale) / scale;
}
