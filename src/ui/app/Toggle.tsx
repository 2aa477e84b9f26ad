/** A labelled checkbox for a view setting (folding the map's empty space, its alike lanes). */
export function Toggle({
  label,
  checked,
  onChange,
  title,
  className,
}: {
  label: string;
  checked: boolean;
  onChange: (on: boolean) => void;
  title?: string;
  className?: string;
}) {
  return (
    <label className={className ? `toggle ${className}` : 'toggle'} title={title}>
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}
