// The container a pod tab (logs, shell) works on, picked by name.

export function ContainerPicker({ names, value, onChange }: { names: string[]; value: string; onChange: (name: string) => void }) {
  return (
    <label>
      Container{' '}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {names.map((n) => (
          <option key={n}>{n}</option>
        ))}
      </select>
    </label>
  );
}
