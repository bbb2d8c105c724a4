/**
 * Dispatch and Wait's Limit Wait Time, as n8n's Wait node offers it: after an interval, at a date,
 * or no limit. When the limit passes, n8n continues the execution with outcome "timed_out".
 */
import type { IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, WAIT_INDEFINITELY } from 'n8n-workflow';

const LIMIT = { interval: 'afterTimeInterval', date: 'atSpecifiedTime', none: 'noLimit' } as const;
const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/** The Limit Wait Time parameters, shown where `show` holds. */
export function waitLimitProperties(show: NonNullable<IDisplayOptions['show']>): INodeProperties[] {
	return [
		{
			displayName: 'Limit Wait Time',
			name: 'limitType',
			type: 'options',
			default: 'afterTimeInterval',
			description:
				'How long to wait at most. When the limit passes, the workflow continues with outcome "timed_out". n8n checks for passed limits about once a minute.',
			options: [
				{ name: 'After Time Interval', value: LIMIT.interval },
				{ name: 'At Specified Time', value: LIMIT.date },
				{ name: 'No Limit', value: LIMIT.none, description: 'Wait until an event of Resume On' },
			],
			displayOptions: { show },
		},
		{
			displayName: 'Amount',
			name: 'limitAmount',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 1,
			description: 'How many units to wait at most',
			displayOptions: { show: { ...show, limitType: [LIMIT.interval] } },
		},
		{
			displayName: 'Unit',
			name: 'limitUnit',
			type: 'options',
			default: 'days',
			options: [
				{ name: 'Minutes', value: 'minutes' },
				{ name: 'Hours', value: 'hours' },
				{ name: 'Days', value: 'days' },
			],
			displayOptions: { show: { ...show, limitType: [LIMIT.interval] } },
		},
		{
			displayName: 'Max Date and Time',
			name: 'limitDate',
			type: 'dateTime',
			default: '',
			description: 'Continue with outcome "timed_out" at this time at the latest',
			displayOptions: { show: { ...show, limitType: [LIMIT.date] } },
		},
	];
}

/** The date n8n continues with `timed_out` at the latest, checked before anything is sent. */
export function readWaitTill(context: IExecuteFunctions, now = Date.now()): Date {
	const limitType = context.getNodeParameter('limitType', 0, LIMIT.interval) as string;
	if (limitType === LIMIT.none) return WAIT_INDEFINITELY;
	if (limitType === LIMIT.date) {
		const value = context.getNodeParameter('limitDate', 0, '') as unknown;
		const date = new Date(typeof value === 'string' || typeof value === 'number' ? value : NaN);
		if (Number.isNaN(date.getTime()) || date.getTime() <= now) {
			throw new NodeOperationError(
				context.getNode(),
				`Limit Wait Time: "${String(value ?? '')}" is not a date and time in the future`,
				{ itemIndex: 0, description: 'Set Max Date and Time to a moment after now.' },
			);
		}
		return date;
	}
	const amount = context.getNodeParameter('limitAmount', 0, 1) as unknown;
	const unit = context.getNodeParameter('limitUnit', 0, 'days') as string;
	const unitMs = Object.hasOwn(UNIT_MS, unit) ? UNIT_MS[unit as keyof typeof UNIT_MS] : NaN;
	if (typeof amount !== 'number' || !(amount > 0) || Number.isNaN(unitMs)) {
		throw new NodeOperationError(
			context.getNode(),
			`Limit Wait Time: "${String(amount)} ${unit}" is not a positive time interval`,
			{
				itemIndex: 0,
				description: 'Set Amount to a number above 0 and Unit to minutes, hours or days.',
			},
		);
	}
	return new Date(now + amount * unitMs);
}
