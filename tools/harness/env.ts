import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

// n8n-core reads these when its config classes are first resolved from the DI container
// (the node loader, node execution contexts), so this module must run before any of that:
// index.ts imports it first.

// InstanceSettings writes `<N8N_USER_FOLDER>/.n8n/config` (encryption key) on first use;
// without this it would write into the developer's home folder.
const userFolder = mkdtempSync(path.join(tmpdir(), 'n8n-workflow-harness-'));
process.env.N8N_USER_FOLDER = userFolder;
const removeUserFolder = () => rmSync(userFolder, { recursive: true, force: true });
// Jest ignores 'exit' listeners added inside a test file, so use its hook when there is one.
if (typeof afterAll === 'function') afterAll(removeUserFolder);
else process.once('exit', removeUserFolder);

// A fixed key keeps runs reproducible and avoids n8n generating one.
process.env.N8N_ENCRYPTION_KEY = 'n8n-workflow-harness-not-a-secret';

// n8n's Logger prints to the console; keep tests quiet unless a developer asks for more.
process.env.N8N_LOG_LEVEL ??= 'silent';
