/**
 * A scratch PostgreSQL server for n8n's queue mode: a new cluster in a temporary folder, on a
 * loopback port, trust authentication (nothing but this machine can reach it), durability off
 * (`fsync`, `synchronous_commit`: the data lives for one test run). Removed when stopped.
 *
 * PostgreSQL refuses to run as root: as root, the cluster is made and run as Debian's `postgres` user.
 */
import { chownSync, mkdtempSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { findFreePort, run, sleep, spawnDaemon } from '../n8n/process';
import { aptInstall, isRoot, onPath, postgresBinDir } from './debian';

export interface Postgres {
	readonly port: number;
	readonly database: string;
	readonly user: string;
	/** Runs one SQL statement in the database; rows as arrays of text fields. */
	query(sql: string): Promise<string[][]>;
	/** Stops the server (fast shutdown: every connection is closed), keeps it down `downMs`, starts it again. */
	interrupt(downMs: number): Promise<void>;
	stop(): Promise<void>;
}

const DATABASE = 'n8n';
const USER = 'postgres';
const READY_TIMEOUT_MS = 60_000;

export async function startPostgres(options: {
	log: (line: string) => void;
	port?: number;
}): Promise<Postgres> {
	let bin = postgresBinDir();
	if (!bin) {
		await aptInstall('postgresql', options.log);
		bin = postgresBinDir();
		if (!bin)
			throw new Error(
				'PostgreSQL was installed, but no /usr/lib/postgresql/<version>/bin/postgres was found.',
			);
	}
	const asOwner = ownerCommand();
	const root = mkdtempSync(path.join(os.tmpdir(), 'velents-scale-pg-'));
	const dataDir = path.join(root, 'data');
	if (isRoot()) chownSync(root, ...postgresIds());

	await run(
		...asOwner(path.join(bin, 'initdb'), [
			'-D',
			dataDir,
			'-U',
			USER,
			'--auth=trust',
			'--encoding=UTF8',
			'--no-sync',
		]),
		{
			timeoutMs: 120_000,
		},
	);
	const port = options.port ?? (await findFreePort(55432));
	const [command, args] = asOwner(path.join(bin, 'postgres'), [
		'-D',
		dataDir,
		'-p',
		String(port),
		'-k',
		root,
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		'fsync=off',
		'-c',
		'synchronous_commit=off',
		'-c',
		'full_page_writes=off',
		'-c',
		'max_connections=200',
	]);
	// SIGINT is PostgreSQL's fast shutdown.
	const launch = () => spawnDaemon(command, args, { stopSignal: 'SIGINT', graceMs: 15_000 });
	let server = launch();

	const psql = path.join(bin, 'psql');
	const query = async (sql: string, database = DATABASE): Promise<string[][]> => {
		const result = await run(
			psql,
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				USER,
				'-d',
				database,
				'-X',
				'-q',
				'-A',
				'-t',
				'-F',
				'\t',
				'-v',
				'ON_ERROR_STOP=1',
				'-c',
				sql,
			],
			{
				timeoutMs: 60_000,
			},
		);
		return result.stdout
			.split('\n')
			.filter((line) => line !== '')
			.map((line) => line.split('\t'));
	};
	const stop = async (): Promise<void> => {
		await server.stop();
		await rm(root, { recursive: true, force: true });
	};

	const untilReady = async (): Promise<void> => {
		const deadline = Date.now() + READY_TIMEOUT_MS;
		for (;;) {
			try {
				await query('SELECT 1', 'postgres');
				return;
			} catch (error) {
				if (Date.now() > deadline) {
					await stop();
					throw new Error(
						`PostgreSQL did not start within ${READY_TIMEOUT_MS / 1000} s: ${error instanceof Error ? error.message : String(error)}`,
					);
				}
				await sleep(250);
			}
		}
	};
	const interrupt = async (downMs: number): Promise<void> => {
		await server.stop();
		await sleep(downMs);
		server = launch();
		await untilReady();
	};

	await untilReady();
	await query(`CREATE DATABASE ${DATABASE}`, 'postgres');
	return { port, database: DATABASE, user: USER, query, interrupt, stop };
}

/** As root: run as `postgres` (runuser); otherwise as this user. */
function ownerCommand(): (command: string, args: string[]) => [string, string[]] {
	if (!isRoot()) return (command, args) => [command, args];
	const runuser = onPath('runuser') ?? '/usr/sbin/runuser';
	return (command, args) => [runuser, ['-u', USER, '--', command, ...args]];
}

/** The user and group id of `postgres` (Debian's postgresql package creates the user). */
function postgresIds(): [number, number] {
	const entry = readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((line) => line.startsWith(`${USER}:`));
	if (!entry)
		throw new Error(
			`There is no "${USER}" user to run PostgreSQL as (Debian's postgresql package creates it).`,
		);
	const [, , userId, groupId] = entry.split(':');
	return [Number(userId), Number(groupId)];
}
