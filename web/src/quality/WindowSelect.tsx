// The "Window" picker of the quality pages (the SPC chart's and the KPIs'): one of the page's own windows.
export function WindowSelect<Id extends string>(props: {
  options: readonly { id: Id; label: string }[];
  value: Id;
  onChange: (id: Id) => void;
  testId: string;
}) {
  return (
    <label>
      Window
      <select value={props.value} onChange={(e) => props.onChange(e.target.value as Id)} data-testid={props.testId}>
        {props.options.map((w) => (
          <option key={w.id} value={w.id}>
            {w.label}
          </option>
        ))}
      </select>
    </label>
  );
}
