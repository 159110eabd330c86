// Labelled form controls. Every control has a visible label; hints and errors are tied to it with
// aria-describedby, and an error also sets aria-invalid, so a screen reader reads what is wrong.
import { useId, type ReactNode } from 'react';

interface Described {
  hint?: ReactNode;
  error?: string | undefined;
}

function describedBy(id: string, { hint, error }: Described): string | undefined {
  const ids = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

function HintAndError({
  id,
  hint,
  error,
  quiet,
}: Described & { id: string; quiet?: boolean | undefined }) {
  return (
    <>
      {hint ? (
        <p className={quiet ? 'visually-hidden' : 'field-hint'} id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </>
  );
}

interface TextFieldProps extends Described {
  label: string;
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'email' | 'password' | 'number' | 'search' | 'date' | 'datetime-local';
  required?: boolean;
  autoComplete?: string;
  placeholder?: string;
  disabled?: boolean;
  inputMode?: 'numeric' | 'text';
  min?: number;
  name?: string;
}

export function TextField({
  label,
  value,
  onChange,
  type = 'text',
  hint,
  error,
  ...rest
}: TextFieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {rest.required ? <span className="required"> (required)</span> : null}
      </label>
      <input
        id={id}
        type={type}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, { hint, error })}
        {...rest}
      />
      <HintAndError id={id} hint={hint} error={error} />
    </div>
  );
}

interface TextAreaProps extends Described {
  label: string;
  value: string;
  onChange: (value: string) => void;
  rows?: number;
  spellCheck?: boolean;
}

export function TextArea({
  label,
  value,
  onChange,
  hint,
  error,
  rows = 12,
  spellCheck,
}: TextAreaProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        value={value}
        rows={rows}
        spellCheck={spellCheck}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, { hint, error })}
      />
      <HintAndError id={id} hint={hint} error={error} />
    </div>
  );
}

export interface Choice<V extends string> {
  value: V;
  label: string;
}

interface SelectFieldProps<V extends string> extends Described {
  label: string;
  value: V;
  choices: readonly Choice<V>[];
  onChange: (value: V) => void;
  disabled?: boolean;
  required?: boolean;
}

export function SelectField<V extends string>({
  label,
  value,
  choices,
  onChange,
  hint,
  error,
  disabled,
  required,
}: SelectFieldProps<V>) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>
        {label}
        {required ? <span className="required"> (required)</span> : null}
      </label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        onChange={(event) => {
          const chosen = choices.find((choice) => choice.value === event.target.value);
          if (chosen) onChange(chosen.value);
        }}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, { hint, error })}
      >
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
      <HintAndError id={id} hint={hint} error={error} />
    </div>
  );
}

interface CheckboxFieldProps extends Described {
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  /** The hint is read out but not shown, when a note beside the group already says it. */
  quietHint?: boolean;
}

export function CheckboxField({
  label,
  checked,
  onChange,
  hint,
  error,
  disabled,
  quietHint,
}: CheckboxFieldProps) {
  const id = useId();
  return (
    <div className={`field field-check${disabled ? ' is-disabled' : ''}`}>
      <input
        id={id}
        type="checkbox"
        checked={checked}
        disabled={disabled}
        onChange={(event) => onChange(event.target.checked)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, { hint, error })}
      />
      <label htmlFor={id}>{label}</label>
      <HintAndError id={id} hint={hint} error={error} quiet={quietHint} />
    </div>
  );
}

interface RadioGroupProps<V extends string> extends Described {
  legend: string;
  name: string;
  value: V;
  choices: readonly (Choice<V> & { description?: string })[];
  onChange: (value: V) => void;
}

export function RadioGroup<V extends string>({
  legend,
  name,
  value,
  choices,
  onChange,
  hint,
  error,
}: RadioGroupProps<V>) {
  const id = useId();
  return (
    <fieldset className="field radio-group" aria-describedby={describedBy(id, { hint, error })}>
      <legend>{legend}</legend>
      {choices.map((choice) => (
        <div className="field-check" key={choice.value}>
          <input
            type="radio"
            id={`${id}-${choice.value}`}
            name={name}
            value={choice.value}
            checked={value === choice.value}
            onChange={() => onChange(choice.value)}
          />
          <label htmlFor={`${id}-${choice.value}`}>
            {choice.label}
            {choice.description ? (
              <span className="choice-description">{choice.description}</span>
            ) : null}
          </label>
        </div>
      ))}
      <HintAndError id={id} hint={hint} error={error} />
    </fieldset>
  );
}

interface SwitchProps {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
  describedBy?: string;
  /** Shown inside the track after the label, e.g. a lock icon. */
  adornment?: ReactNode;
}

/** An on/off switch: a button with role="switch", operable with Space and Enter. */
export function Switch({
  label,
  checked,
  onChange,
  disabled,
  describedBy: described,
  adornment,
}: SwitchProps) {
  const id = useId();
  return (
    <div className={`switch-row${disabled ? ' is-disabled' : ''}`}>
      <button
        type="button"
        role="switch"
        id={id}
        className="switch"
        aria-checked={checked}
        aria-labelledby={`${id}-label`}
        aria-describedby={described}
        disabled={disabled}
        onClick={() => onChange(!checked)}
      >
        <span className="switch-track" aria-hidden="true">
          <span className="switch-thumb" />
        </span>
        <span className="switch-label" id={`${id}-label`}>
          {label}
        </span>
        <span className="switch-state" aria-hidden="true">
          {checked ? 'On' : 'Off'}
        </span>
        {adornment}
      </button>
    </div>
  );
}
