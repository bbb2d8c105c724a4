import {
	carriesFinalOrNewExtraction,
	isOtherAgent,
	isSelectedEvent,
	missingFields,
	parseFieldList,
} from '../../nodes/VelentsAgentTrigger/filters';

describe('isSelectedEvent', () => {
	test('a named event matches only itself, case included', () => {
		expect(isSelectedEvent(['onEnded'], 'onEnded', 'conversation')).toBe(true);
		expect(isSelectedEvent(['onEnded'], 'onMessage', 'conversation')).toBe(false);
		expect(isSelectedEvent(['onEnded'], 'onended', 'conversation')).toBe(false);
	});

	test('"Any Event" (*) matches both shapes and unknown types', () => {
		expect(isSelectedEvent(['*'], 'onMessage', 'conversation')).toBe(true);
		expect(isSelectedEvent(['*'], 'onbusy', 'call')).toBe(true);
	});

	test('"Any Call Event" (call:*) matches every call event and no conversation event', () => {
		expect(isSelectedEvent(['call:*'], 'ondone', 'call')).toBe(true);
		expect(isSelectedEvent(['call:*'], 'onbusy', 'call')).toBe(true);
		expect(isSelectedEvent(['call:*'], 'onEnded', 'conversation')).toBe(false);
	});

	test('nothing selected matches nothing', () => {
		expect(isSelectedEvent([], 'onEnded', 'conversation')).toBe(false);
	});
});

describe('isOtherAgent', () => {
	const remembered = { id: '4', public: 'boddy_rahsaan_Agent_4' };

	test('the same agent, its numeric id compared as text', () => {
		expect(isOtherAgent(remembered, { id: 4, public: 'boddy_rahsaan_Agent_4' })).toBe(false);
	});

	test('another id or another public name is another agent', () => {
		expect(isOtherAgent(remembered, { id: 5, public: 'boddy_rahsaan_Agent_4' })).toBe(true);
		expect(isOtherAgent(remembered, { id: 4, public: 'someone_else_Agent_4' })).toBe(true);
	});

	test('only what the event names is compared', () => {
		expect(isOtherAgent(remembered, { id: 4, public: null })).toBe(false);
		expect(isOtherAgent(remembered, { id: null, public: 'other' })).toBe(true);
	});

	test('events without an agent, and any event when nothing is remembered, pass', () => {
		expect(isOtherAgent(remembered, null)).toBe(false);
		expect(isOtherAgent(undefined, { id: 5, public: 'other' })).toBe(false);
	});
});

describe('Required Extraction Fields', () => {
	test('parseFieldList splits on commas and new lines, trims, drops blanks and repeats', () => {
		expect(parseFieldList(' customer_name, booking_time ,\n,customer_name')).toEqual([
			'customer_name',
			'booking_time',
		]);
		expect(parseFieldList('')).toEqual([]);
		expect(parseFieldList(undefined)).toEqual([]);
	});

	test('missingFields: absent, null, blank text, [] and {} are missing; 0 and false are values', () => {
		const extraction = { a: 'x', b: null, c: '  ', d: [], e: {}, f: 0, g: false, h: ['x'] };
		expect(missingFields(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'z'], extraction)).toEqual([
			'b',
			'c',
			'd',
			'e',
			'z',
		]);
	});

	test('applies to onUpdate, onEnded and call ondone only', () => {
		expect(carriesFinalOrNewExtraction('onUpdate', 'conversation')).toBe(true);
		expect(carriesFinalOrNewExtraction('onEnded', 'conversation')).toBe(true);
		expect(carriesFinalOrNewExtraction('ondone', 'call')).toBe(true);
		expect(carriesFinalOrNewExtraction('onStarted', 'conversation')).toBe(false);
		expect(carriesFinalOrNewExtraction('onMessage', 'conversation')).toBe(false);
		expect(carriesFinalOrNewExtraction('onfailed', 'call')).toBe(false);
	});
});
