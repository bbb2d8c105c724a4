/** BENCHMARKS.md is shared: each measuring tool rewrites its own marked section and no other. */
import { withSection } from './report';

describe('a section of BENCHMARKS.md', () => {
	it('is appended once, then replaced in place', () => {
		const first = withSection('# Benchmarks\n\nbody\n', 'scale-test', 'section one');
		expect(first).toBe(
			'# Benchmarks\n\nbody\n\n<!-- scale-test:start -->\nsection one\n<!-- scale-test:end -->\n',
		);
		const second = withSection(`${first}\nafter\n`, 'scale-test', 'section two');
		expect(second).toBe(
			'# Benchmarks\n\nbody\n\n<!-- scale-test:start -->\nsection two\n<!-- scale-test:end -->\n\nafter\n',
		);
	});

	it('leaves the other sections as they are', () => {
		const report = withSection(
			withSection('', 'bench', 'bench one'),
			'scale-test',
			'scale one',
		).trimStart();
		expect(withSection(report, 'bench', 'bench two')).toBe(
			'<!-- bench:start -->\nbench two\n<!-- bench:end -->\n\n<!-- scale-test:start -->\nscale one\n<!-- scale-test:end -->\n',
		);
	});
});
