import * as path from 'node:path';

import { PackageDirectoryLoader } from 'n8n-core';
import type {
	ICredentialType,
	IDataObject,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeHelpers, UserError } from 'n8n-workflow';

import { builtInStartNodeTypes } from './start-node';

const loadedPackages = new Map<string, Promise<NodePackage>>();

/**
 * One community-node package loaded the way n8n loads it: n8n-core's PackageDirectoryLoader
 * reads the `n8n` section of its package.json and instantiates the built node and credential
 * classes listed there. Workflow JSON refers to its nodes as `<package name>.<node name>`.
 */
export class NodePackage implements INodeTypes {
	private constructor(private readonly loader: PackageDirectoryLoader) {}

	/**
	 * Loaded once per directory (per test file, under Jest), as n8n loads a package once: the loader
	 * adds n8n's standard parameters to node descriptions, which repeated loads would duplicate
	 * for nodes sharing module-level descriptions.
	 */
	static async load(packageDir: string): Promise<NodePackage> {
		const directory = path.resolve(packageDir);
		let loading = loadedPackages.get(directory);
		if (!loading) {
			loading = NodePackage.loadFrom(directory);
			loadedPackages.set(directory, loading);
		}
		return await loading;
	}

	private static async loadFrom(directory: string): Promise<NodePackage> {
		const loader = new PackageDirectoryLoader(directory);
		try {
			await loader.loadAll();
		} catch (error) {
			// Most often dist/ is missing or stale.
			const reason = error instanceof Error ? error.message : String(error);
			throw new UserError(
				`Could not load the nodes of ${directory}. Is it built (npm run build)? ${reason}`,
				{ cause: error },
			);
		}
		return new NodePackage(loader);
	}

	get packageName(): string {
		return this.loader.packageName;
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const builtIn = builtInStartNodeTypes.get(nodeType);
		if (builtIn) return builtIn;

		const prefix = `${this.packageName}.`;
		const loaded = nodeType.startsWith(prefix)
			? this.loader.nodeTypes[nodeType.slice(prefix.length)]
			: undefined;
		if (!loaded) {
			throw new UserError(
				`Unknown node type "${nodeType}". Known: ${Object.keys(this.getKnownTypes()).join(', ')}`,
			);
		}
		return loaded.type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		const known: IDataObject = {};
		for (const [shortName, details] of Object.entries(this.loader.known.nodes)) {
			known[`${this.packageName}.${shortName}`] = details;
		}
		for (const nodeType of builtInStartNodeTypes.keys()) known[nodeType] = {};
		return known;
	}

	recognizesCredential(credentialType: string): boolean {
		return credentialType in this.loader.credentialTypes;
	}

	getCredentialType(credentialType: string): ICredentialType {
		const loaded = this.loader.credentialTypes[credentialType];
		if (!loaded) {
			throw new UserError(
				`Unknown credential type "${credentialType}". Known: ${Object.keys(this.loader.credentialTypes).join(', ')}`,
			);
		}
		return loaded.type;
	}

	/** Full node types (`<package>.<node>`) of the package's nodes that declare this credential. */
	getSupportedNodes(credentialType: string): string[] {
		const shortNames = this.loader.known.credentials[credentialType]?.supportedNodes ?? [];
		return shortNames.map((shortName) => `${this.packageName}.${shortName}`);
	}
}
