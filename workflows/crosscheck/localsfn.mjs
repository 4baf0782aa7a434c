// Runs a state machine definition in aws-local-stepfunctions (the reference interpreter), one
// execution per input line, binding Task states to executables the way `local-sfn -t` does:
// the state's input as argv[1], the result as JSON on stdout. It goes through the library rather
// than the local-sfn CLI because the CLI turns every failed executable into an error named
// "Error" (so Retry on a named error never matches) and prints results with console.log rather
// than as JSON. A failed executable (non-zero exit) reports {"errorType","errorMessage"} on
// stdout, as a Lambda function does; that becomes an error with that name and message.
//
// Usage: node localsfn.mjs TOOL_DIR DEFINITION BINDINGS < inputs.ndjson
// BINDINGS is a JSON object {"StateName": "/path/to/executable"}. One JSON line per input goes
// to stdout: {"status","output","error","cause","path"}.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const [toolDir, definitionFile, bindingsFile] = process.argv.slice(2);
const require = createRequire(join(toolDir, 'package.json'));
const { StateMachine } = require('aws-local-stepfunctions');

const definition = JSON.parse(readFileSync(definitionFile, 'utf8'));
const bindings = JSON.parse(readFileSync(bindingsFile, 'utf8'));

function runExecutable(stateName, path) {
  return (input) =>
    new Promise((resolve, reject) => {
      execFile(path, [JSON.stringify(input)], { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
        if (!err) {
          try {
            resolve(JSON.parse(stdout));
          } catch (parseErr) {
            reject(taskError('States.TaskFailed', `${stateName}: output is not JSON: ${parseErr.message}`));
          }
          return;
        }
        let report;
        try {
          report = JSON.parse(stdout);
        } catch {
          report = null;
        }
        if (report && typeof report.errorType === 'string') {
          reject(taskError(report.errorType, report.errorMessage ?? ''));
        } else {
          reject(taskError('States.TaskFailed', `${stateName}: ${err.message} ${stderr}`.trim()));
        }
      });
    });
}

function taskError(name, message) {
  const e = new Error(message);
  e.name = name;
  return e;
}

const taskResourceLocalHandlers = {};
for (const [stateName, path] of Object.entries(bindings)) {
  taskResourceLocalHandlers[stateName] = runExecutable(stateName, path);
}

// local-sfn cannot run on a fake clock, so every retry pause is overridden to 0 ms; the Go
// runner computes and records the real delays on its fake clock instead.
const retryIntervalOverrides = {};
for (const [stateName, state] of Object.entries(definition.States)) {
  if (Array.isArray(state.Retry)) {
    retryIntervalOverrides[stateName] = 0;
  }
}

// Resources may be plain names (the local deployment binds "validate", not an ARN).
const machine = new StateMachine(definition, { validationOptions: { checkArn: false } });
const lines = readFileSync(0, 'utf8').split('\n').filter((line) => line.trim() !== '');
for (const line of lines) {
  const execution = machine.run(JSON.parse(line), {
    overrides: { taskResourceLocalHandlers, retryIntervalOverrides },
  });
  const path = [];
  const collected = (async () => {
    for await (const event of execution.eventLogs) {
      if (event.type === 'StateEntered') {
        path.push(event.state.name);
      }
    }
  })();
  let record;
  try {
    const output = await execution.result;
    record = { status: 'SUCCEEDED', output };
  } catch (err) {
    const cause = err.cause ?? err;
    record = { status: 'FAILED', error: cause.name, cause: cause.message };
  }
  await collected;
  record.path = path;
  process.stdout.write(JSON.stringify(record) + '\n');
}
