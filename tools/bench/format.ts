/** How the benchmarks print their figures. */

export function seconds(value: number): string {
	return `${(value / 1000).toFixed(2)} s`;
}

export function ms(value: number): string {
	return `${value.toFixed(value < 10 ? 2 : 1)} ms`;
}

export function mb(value: number): string {
	return `${value.toFixed(0)} MB`;
}

export function count(value: number): string {
	return value.toLocaleString('en-US');
}

export function rate(value: number): string {
	return `${value.toFixed(1)}/s`;
}

export function times(value: number, digits = 2): string {
	return `${value >= 0.1 ? value.toFixed(digits) : value.toPrecision(2)}×`;
}
