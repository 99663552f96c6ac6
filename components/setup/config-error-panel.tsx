export function ConfigErrorPanel({ problems }: { problems: { variable: string; message: string }[] }) {
  return (
    <main className="mx-auto max-w-2xl p-8" data-testid="config-error">
      <h1 className="text-2xl font-semibold text-red-700">MindMate cannot start: invalid configuration</h1>
      <ul className="mt-4 space-y-2">
        {problems.map((p) => (
          <li key={p.variable} className="rounded border border-red-200 bg-red-50 p-3">
            <code className="font-mono font-semibold">{p.variable}</code>: {p.message}
          </li>
        ))}
      </ul>
      <p className="mt-4 text-sm text-slate-600">
        Fix the variables above (see <code>.env.example</code>) and restart.
      </p>
    </main>
  );
}
