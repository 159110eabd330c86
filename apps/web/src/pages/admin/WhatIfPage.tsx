// What-if: run a scenario (spec §8) through the same rules the server uses, without changing
// anything, and read the outcome: effective policies, meetings, joins and calls, with reasons.
import { useState } from 'react';
import { explainScenario } from '../../api/admin.ts';
import type { ExplainOutput } from '../../api/types.ts';
import { useAction } from '../../app/hooks.ts';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { TextArea } from '../../components/fields.tsx';
import { Page, Section } from '../../components/Page.tsx';
import { ReasonList } from '../../components/ReasonList.tsx';
import type { FieldProblem } from '../../api/http.ts';
import {
  describeCallOutcome,
  describeJoinOutcome,
  describeMeetingOutcome,
  describePolicySource,
  parseScenario,
  problemLines,
  scenarioProblems,
  userNamesOf,
} from '../../model/whatIf.ts';
import { exampleScenarioText } from '../../model/whatIfExample.ts';
import { Notice } from '../../components/Notice.tsx';
import { LiveWhatIf } from './LiveWhatIf.tsx';

function Outcome({ output, names }: { output: ExplainOutput; names: ReadonlyMap<string, string> }) {
  const policies = Object.entries(output.effectivePolicies);
  const name = (id: string) => names.get(id) ?? id;
  return (
    <>
      <DataTable
        caption="Effective policies"
        rows={policies}
        rowKey={([user]) => user}
        empty="No users in the scenario."
        columns={[
          { header: 'User', rowHeader: true, cell: ([user]) => name(user) },
          { header: 'Policy', cell: ([, effective]) => effective.policy },
          { header: 'Why', cell: ([, effective]) => describePolicySource(effective.source) },
        ]}
      />
      <DataTable
        caption="Meetings"
        rows={output.meetings}
        rowKey={(m) => m.id}
        empty="No meetings in the scenario."
        columns={[
          { header: 'Meeting', rowHeader: true, cell: (m) => m.id },
          { header: 'Outcome', cell: describeMeetingOutcome },
          { header: 'Reasons', cell: (m) => <ReasonList reasons={m.reasons} /> },
        ]}
      />
      <DataTable
        caption="Joins"
        rows={output.joins}
        rowKey={(j) => `${j.meeting}/${j.user}/${output.joins.indexOf(j)}`}
        empty="No joins in the scenario."
        columns={[
          { header: 'Join', rowHeader: true, cell: (j) => `${name(j.user)} → ${j.meeting}` },
          {
            header: 'Outcome',
            cell: (j) => (
              <span className={j.outcome === 'admitted' ? 'pill pill-on' : 'pill pill-off'}>
                {describeJoinOutcome(j)}
              </span>
            ),
          },
          { header: 'Reasons', cell: (j) => <ReasonList reasons={j.reasons} /> },
        ]}
      />
      <DataTable
        caption="Calls"
        rows={output.calls}
        rowKey={(c) => c.id}
        empty="No calls in the scenario."
        columns={[
          { header: 'Call', rowHeader: true, cell: (c) => c.id },
          { header: 'Encryption', cell: describeCallOutcome },
          { header: 'Reasons', cell: (c) => <ReasonList reasons={c.reasons} /> },
        ]}
      />
    </>
  );
}

export function WhatIfPage() {
  const [text, setText] = useState(exampleScenarioText);
  const [problems, setProblems] = useState<FieldProblem[] | null>(null);
  const [output, setOutput] = useState<ExplainOutput | null>(null);
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  /** Whether the editor holds the live organization, as the last live what-if left it. */
  const [fromLive, setFromLive] = useState(false);
  const run = useAction();

  const execute = () => {
    setOutput(null);
    setProblems(null);
    const parsed = parseScenario(text);
    if (parsed.kind === 'invalid') {
      setProblems(parsed.problems);
      return;
    }
    void run.run(async () => {
      setOutput(await explainScenario(parsed.scenario));
      setNames(userNamesOf(parsed.scenario));
    });
  };

  const refused = run.error ? scenarioProblems(run.error) : null;
  const shownProblems = problems ?? refused;

  return (
    <Page
      title="What-if"
      intro="See what would happen, without changing anything in your organization: ask about your organization as it is now, or paste or edit a scenario (users, groups, policies, assignments, templates, labels, meetings, joins and calls)."
    >
      <Section title="Your organization as it is now">
        <LiveWhatIf
          onAnswer={(answer) => {
            run.reset();
            setProblems(null);
            setText(JSON.stringify(answer.scenario, null, 2));
            setOutput(answer.output);
            setNames(userNamesOf(answer.scenario));
            setFromLive(true);
          }}
        />
      </Section>
      <h2>Scenario</h2>
      {fromLive ? (
        <Notice kind="info">
          The scenario below is your organization as it is now, with that meeting and join. Change a
          policy or an assignment in it and choose Run scenario to see the effect of the change
          before you make it.
        </Notice>
      ) : null}
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          execute();
        }}
      >
        <TextArea
          label="Scenario (JSON)"
          value={text}
          onChange={setText}
          rows={18}
          spellCheck={false}
        />
        <div className="form-actions">
          <button type="submit" className="button button-primary" disabled={run.busy}>
            {run.busy ? 'Running…' : 'Run scenario'}
          </button>
          <button
            type="button"
            className="button button-quiet"
            onClick={() => {
              setText(exampleScenarioText);
              setFromLive(false);
            }}
          >
            Reset to the example
          </button>
        </div>
      </form>
      {shownProblems ? (
        <div className="error-box" role="alert">
          <p className="error-title">The scenario is not valid:</p>
          <ul className="problem-lines">
            {problemLines(shownProblems).map((line) => (
              <li key={line}>
                <code>{line}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : run.error ? (
        <ErrorMessage error={run.error} />
      ) : null}
      {output ? (
        <Section title="Outcome">
          <div role="status" className="visually-hidden">
            Scenario run: {output.meetings.length} meetings, {output.joins.length} joins,{' '}
            {output.calls.length} calls.
          </div>
          <Outcome output={output} names={names} />
          <details className="raw-json">
            <summary>Raw JSON</summary>
            <pre>{JSON.stringify(output, null, 2)}</pre>
          </details>
        </Section>
      ) : null}
    </Page>
  );
}
