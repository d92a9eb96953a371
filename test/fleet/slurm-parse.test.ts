/**
 * Parsing what Slurm prints: `scontrol show job -o` records captured from Slurm 22.05 (a pending
 * array range with a throttle, ended tasks), `sacct -X -n -P` lines, array index expressions and
 * `sbatch --parsable`.
 */
import { describe, expect, it } from 'vitest';
import { expandArrayIndices, parseSacct, parseSbatchParsable, parseScontrolJobs } from '../../src/fleet/slurm.js';

// Captured from slurm-wlm 22.05.8 (Debian 12), one-node test cluster; long records trimmed of fields not read.
const SCONTROL = [
  'JobId=1 ArrayJobId=1 ArrayTaskId=1 JobName=job.sh UserId=root(0) GroupId=root(0) MCS_label=N/A Priority=4294901759 Nice=0 Account=(null) QOS=(null) JobState=COMPLETED Reason=None Dependency=(null) Requeue=1 Restarts=0 BatchFlag=1 Reboot=0 ExitCode=0:0 RunTime=00:00:03 TimeLimit=UNLIMITED NodeList=vm BatchHost=vm NumNodes=1 StdErr=/tmp/jbslurm.xlqI/log/1_1.err',
  'JobId=2 ArrayJobId=1 ArrayTaskId=0 JobName=job.sh UserId=root(0) GroupId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=2:0 NodeList=vm BatchHost=vm',
  'JobId=3 ArrayJobId=3 ArrayTaskId=0-3%1 ArrayTaskThrottle=1 JobName=job.sh UserId=root(0) GroupId=root(0) JobState=PENDING Reason=None Dependency=(null) ExitCode=0:0 RunTime=00:00:00 NodeList= NumNodes=1',
].join('\n');

describe('Slurm output parsing', () => {
  it('reads ended tasks of an array from scontrol, with exit code and node', () => {
    const t = parseScontrolJobs(SCONTROL, '1');
    expect(t).toEqual([
      { index: 1, state: 'COMPLETED', exitCode: 0, signal: 0, node: 'vm', reason: null },
      { index: 0, state: 'FAILED', exitCode: 2, signal: 0, node: 'vm', reason: 'NonZeroExitCode' },
    ]);
  });

  it('expands a pending range record (with a throttle) into its tasks, no exit code yet', () => {
    const t = parseScontrolJobs(SCONTROL, '3');
    expect(t.map((x) => [x.index, x.state, x.exitCode, x.node])).toEqual([
      [0, 'PENDING', null, null],
      [1, 'PENDING', null, null],
      [2, 'PENDING', null, null],
      [3, 'PENDING', null, null],
    ]);
  });

  it('reads sacct lines, including ranges and "CANCELLED by <uid>"', () => {
    const t = parseSacct('77_0|COMPLETED|0:0|n1\n77_2|CANCELLED by 1000|0:15|n3\n77_[3-4]|PENDING|0:0|None assigned\n78_0|COMPLETED|0:0|n9\n', '77');
    expect(t).toEqual([
      { index: 0, state: 'COMPLETED', exitCode: 0, signal: 0, node: 'n1', reason: null },
      { index: 2, state: 'CANCELLED', exitCode: 0, signal: 15, node: 'n3', reason: null },
      { index: 3, state: 'PENDING', exitCode: null, signal: null, node: null, reason: null },
      { index: 4, state: 'PENDING', exitCode: null, signal: null, node: null, reason: null },
    ]);
  });

  it('expands array index expressions', () => {
    expect(expandArrayIndices('0-3')).toEqual([0, 1, 2, 3]);
    expect(expandArrayIndices('[1,4,7-9]')).toEqual([1, 4, 7, 8, 9]);
    expect(expandArrayIndices('0-15:5%2')).toEqual([0, 5, 10, 15]);
    expect(expandArrayIndices('12')).toEqual([12]);
  });

  it('reads sbatch --parsable output with and without a cluster', () => {
    expect(parseSbatchParsable('4242\n')).toEqual({ jobId: '4242', cluster: null });
    expect(parseSbatchParsable('sbatch: warning: x\n4243;hall-a\n')).toEqual({ jobId: '4243', cluster: 'hall-a' });
    expect(parseSbatchParsable('Submitted batch job 12\n')).toBeNull();
  });
});
