import { Credentials, getAdditionalKeys } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsExpressionResolveValues,
	IDataObject,
	IExecuteData,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	ICredentialsHelper,
	NodeHelpers,
	UnexpectedError,
	UserError,
	isExpression,
} from 'n8n-workflow';

import type { NodePackage } from './node-package';

/** Decrypted credential data for a run, keyed by credential type name (e.g. `velentsSupportApi`). */
export type CredentialsByType = Record<string, ICredentialDataDecryptedObject>;

/**
 * The harness's stand-in for n8n's CLI CredentialsHelper: credentials come from an in-memory map
 * keyed by type instead of the database, everything else follows n8n. The node's
 * `credentials: { <type>: { id, name } }` reference must still be present (n8n-core checks it),
 * but which id/name it names does not matter.
 */
export class HarnessCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly nodePackage: NodePackage,
		private readonly credentialsByType: CredentialsByType,
	) {
		super();
	}

	getParentTypes(typeName: string): string[] {
		const parents = this.nodePackage.getCredentialType(typeName).extends ?? [];
		// Parents from other packages (e.g. n8n-nodes-base's oAuth2Api) are not loaded: stop there.
		return parents.flatMap((parent) => [
			parent,
			...(this.nodePackage.recognizesCredential(parent) ? this.getParentTypes(parent) : []),
		]);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		if (!this.nodePackage.recognizesCredential(credentialType)) return true; // fails later, clearer
		if (!this.nodePackage.getCredentialType(credentialType).restrictToSupportedNodes) return true;
		return this.nodePackage.getSupportedNodes(credentialType).includes(nodeType);
	}

	/** Applies the credential type's `authenticate`: a function, or a generic block of expressions. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const { authenticate } = this.nodePackage.getCredentialType(typeName);
		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions as IHttpRequestOptions);
		}
		if (authenticate?.type !== 'generic') return requestOptions as IHttpRequestOptions;
		if (!workflow || !node) {
			throw new UnexpectedError(
				'Workflow and node are required for generic credential authentication',
			);
		}

		// e.g. { headers: { Authorization: '=Bearer {{$credentials.token}}' } }: every key and value
		// may be an expression over $credentials, merged into the same-named request option.
		const target = requestOptions as unknown as Record<string, IDataObject | undefined>;
		for (const [optionName, entries] of Object.entries(authenticate.properties)) {
			if (typeof entries !== 'object' || entries === null) continue;
			const option = (target[optionName] ??= {});
			for (const [key, value] of Object.entries(entries as IDataObject)) {
				const resolvedKey = this.resolve(key, credentials, workflow, node);
				option[resolvedKey] = this.resolve(value as string, credentials, workflow, node);
			}
		}
		return requestOptions as IHttpRequestOptions;
	}

	// Token refresh (`preAuthentication` with an expirable property) is not supported: the harness
	// only has the static credential data a test passes in.
	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<Credentials> {
		const credentials = new Credentials(nodeCredentials, type);
		await credentials.setData(this.stored(type, nodeCredentials));
		return credentials;
	}

	/**
	 * Like n8n: the stored data completed with the credential type's defaults (properties the type
	 * does not declare are dropped), then expressions in it resolved against the calling node's item.
	 */
	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.stored(type, nodeCredentials);
		if (raw === true) return stored;

		const withDefaults = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			stored as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (!expressionResolveValues) return withDefaults;

		const { workflow, runExecutionData, runIndex, itemIndex, node, connectionInputData } =
			expressionResolveValues;
		return workflow.expression.getParameterValue(
			withDefaults as INodeParameters,
			runExecutionData,
			runIndex,
			itemIndex,
			node.name,
			connectionInputData,
			mode,
			getAdditionalKeys(additionalData, mode, null, { isCredential: true }),
			executeData,
			false,
			withDefaults,
		) as ICredentialDataDecryptedObject;
	}

	// Nodes persist refreshed data through these; keep it for the rest of the run.
	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.credentialsByType[type] = data;
	}

	async updateCredentialsOauthTokenData(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const { oauthTokenData } = data;
		if (oauthTokenData === undefined) return;
		this.credentialsByType[type] = { ...this.stored(type, nodeCredentials), oauthTokenData };
	}

	/** The type's properties, after those of the (loaded) types it extends. */
	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.nodePackage.getCredentialType(type);
		const properties: INodeProperties[] = [];
		for (const parent of credentialType.extends ?? []) {
			if (this.nodePackage.recognizesCredential(parent)) {
				NodeHelpers.mergeNodeProperties(properties, this.getCredentialsProperties(parent));
			}
		}
		NodeHelpers.mergeNodeProperties(properties, credentialType.properties);
		return properties;
	}

	private stored(
		type: string,
		nodeCredentials: INodeCredentialsDetails,
	): ICredentialDataDecryptedObject {
		const data = this.credentialsByType[type];
		if (data === undefined) {
			throw new UserError(
				`No "${type}" credentials were passed to runWorkflow (node credential "${nodeCredentials.name}")`,
			);
		}
		return { ...data };
	}

	private resolve(
		value: string,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(value)) return value;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return resolved ? resolved.toString() : '';
	}
}
