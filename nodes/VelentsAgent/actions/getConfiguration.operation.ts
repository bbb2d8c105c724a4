import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { transportOptions } from '../../shared/descriptions';
import { readConfiguration } from '../methods/configuration';

/** No parameters: the agent is the credential's. */
export const description: INodeProperties[] = [];

/** The agent's configuration: its channels, its variables (`values`) and what it extracts. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	return (await readConfiguration(
		this,
		itemIndex,
		transportOptions(this, itemIndex),
	)) as unknown as IDataObject;
}
