#!/usr/bin/env bash
# Source analysis on two real-shaped projects with their real dependencies
# installed, perfscope (cold and warm) against fallow's dead-code, in the
# same run. Needs npm and the registry: run it by hand, never in tests or CI.
#
#   benches/real_repos.sh [--rounds N]
#
# 1. Sets up, once, under $WORK (default /tmp/perfscope-real-repos):
#    - `nextapp`: `create-next-app@15` (App Router, TypeScript, src/, ESLint)
#      with a dashboard using next/dynamic, next/image and next/link, a
#      dynamic blog route and a client component;
#    - `mono`: an npm-workspaces monorepo: two Vite React apps
#      (`create-vite@6` react-ts) using react-router-dom, @tanstack/react-query,
#      recharts, date-fns, lodash-es and zod, and two libraries (`@acme/ui`,
#      `@acme/utils`) they import by name.
# 2. Builds the source benchmark harness (release) unless $PERFSCOPE_BIN
#    names a `perfscope` binary to run as `perfscope analyze DIR --format
#    json` instead.
# 3. Per project and round: fallow (`dead-code`), perfscope cold (no cache:
#    `--no-cache`, or the harness without `--cache`), then warm (the cache
#    filled by one run before the rounds). Wall time and peak RSS from GNU
#    time; the medians at the end, with the load average (other processes
#    skew a 2-core machine).
set -euo pipefail

ROUNDS=5
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${WORK:-/tmp/perfscope-real-repos}"
mkdir -p "$WORK"
command -v npm >/dev/null || { echo "needs npm" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs GNU time (/usr/bin/time)" >&2; exit 2; }

setup_next() {
  local dir="$WORK/nextapp"
  [ -d "$dir/node_modules/next" ] && return
  (cd "$WORK" && npx --yes create-next-app@15 nextapp --ts --eslint --app --src-dir \
    --no-tailwind --import-alias "@/*" --use-npm --no-turbopack --yes >/dev/null)
  mkdir -p "$dir/src/app/dashboard" "$dir/src/app/blog/[slug]" "$dir/src/components"
  cat > "$dir/src/components/Nav.tsx" <<'EOF'
'use client'
import Link from 'next/link'
import { usePathname } from 'next/navigation'

export function Nav() {
  const path = usePathname()
  return (
    <nav>
      {['/', '/dashboard', '/blog/hello'].map((href) => (
        <Link key={href} href={href} aria-current={path === href ? 'page' : undefined}>{href}</Link>
      ))}
    </nav>
  )
}
EOF
  cat > "$dir/src/components/Chart.tsx" <<'EOF'
'use client'
export default function Chart() {
  return <svg width="300" height="100"><polyline points="0,80 50,40 100,60 150,20 200,50" fill="none" stroke="currentColor" /></svg>
}
EOF
  cat > "$dir/src/app/dashboard/page.tsx" <<'EOF'
import dynamic from 'next/dynamic'
import Image from 'next/image'
import { Nav } from '@/components/Nav'

const Chart = dynamic(() => import('@/components/Chart'))

export default function Dashboard() {
  return (
    <main>
      <Nav />
      <Image src="/next.svg" alt="Next.js" width={180} height={38} priority />
      <Chart />
    </main>
  )
}
EOF
  cat > "$dir/src/app/blog/[slug]/page.tsx" <<'EOF'
import { notFound } from 'next/navigation'

export default async function Post({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params
  if (!slug) notFound()
  return <article><h1>{slug}</h1></article>
}
EOF
}

setup_mono() {
  local dir="$WORK/mono"
  [ -d "$dir/node_modules/recharts" ] && return
  mkdir -p "$dir/apps" "$dir/packages/ui/src" "$dir/packages/utils/src"
  cat > "$dir/package.json" <<'EOF'
{
  "name": "acme-monorepo",
  "private": true,
  "workspaces": ["apps/*", "packages/*"],
  "scripts": { "build": "npm run build --workspaces --if-present", "lint": "eslint ." },
  "devDependencies": { "typescript": "^5.6.0", "eslint": "^9.27.0", "prettier": "^3.5.3" }
}
EOF
  for app in web admin; do
    (cd "$dir/apps" && npx --yes create-vite@6 "$app" --template react-ts >/dev/null)
    node - "$dir/apps/$app/package.json" "$app" <<'EOF'
const fs = require('fs');
const [file, app] = process.argv.slice(2);
const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
pkg.name = `@acme/${app}`;
Object.assign(pkg.dependencies, {
  'react-router-dom': '^6.28.0', '@tanstack/react-query': '^5.62.0', 'date-fns': '^4.1.0',
  'lodash-es': '^4.17.21', recharts: '^2.15.0', zod: '^3.24.0', '@acme/ui': '*', '@acme/utils': '*',
});
pkg.devDependencies['@types/lodash-es'] = '^4.17.12';
fs.writeFileSync(file, JSON.stringify(pkg, null, 2));
EOF
    local src="$dir/apps/$app/src"
    mkdir -p "$src/pages" "$src/api"
    cat > "$src/main.tsx" <<'EOF'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { RouterProvider } from 'react-router-dom'
import { router } from './router'
import './index.css'

const client = new QueryClient()
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
)
EOF
    cat > "$src/router.tsx" <<'EOF'
import { createBrowserRouter } from 'react-router-dom'
import App from './App'
import { Dashboard } from './pages/Dashboard'
import { Settings } from './pages/Settings'
import { Orders } from './pages/Orders'

export const router = createBrowserRouter([
  { path: '/', element: <App />, children: [
    { index: true, element: <Dashboard /> },
    { path: 'orders', element: <Orders /> },
    { path: 'settings', element: <Settings /> },
  ] },
])
EOF
    cat > "$src/App.tsx" <<'EOF'
import { Outlet, NavLink } from 'react-router-dom'
import './App.css'

export default function App() {
  return (
    <>
      <nav><NavLink to="/">Dashboard</NavLink> <NavLink to="/orders">Orders</NavLink> <NavLink to="/settings">Settings</NavLink></nav>
      <Outlet />
    </>
  )
}
EOF
    cat > "$src/pages/Dashboard.tsx" <<'EOF'
import { LineChart, Line, XAxis, YAxis, Tooltip } from 'recharts'
import { useQuery } from '@tanstack/react-query'
import { format } from 'date-fns'
import { Card } from '@acme/ui'
import { fetchStats } from '../api/stats'

export function Dashboard() {
  const { data = [] } = useQuery({ queryKey: ['stats'], queryFn: fetchStats })
  return (
    <Card title={`Sales on ${format(new Date(), 'PP')}`}>
      <LineChart width={600} height={300} data={data}>
        <XAxis dataKey="day" /><YAxis /><Tooltip />
        <Line dataKey="total" />
      </LineChart>
    </Card>
  )
}
EOF
    cat > "$src/pages/Orders.tsx" <<'EOF'
import { useQuery } from '@tanstack/react-query'
import { groupBy, sortBy } from 'lodash-es'
import { Table, Button } from '@acme/ui'
import { formatMoney } from '@acme/utils'
import { fetchOrders, type Order } from '../api/orders'

export function Orders() {
  const { data = [] } = useQuery({ queryKey: ['orders'], queryFn: fetchOrders })
  const byStatus = groupBy(sortBy(data, 'date'), 'status')
  return (
    <section>
      {Object.entries(byStatus).map(([status, orders]) => (
        <Table key={status} caption={status} rows={(orders as Order[]).map((o) => [o.id, formatMoney(o.total)])} />
      ))}
      <Button>Export</Button>
    </section>
  )
}
EOF
    cat > "$src/pages/Settings.tsx" <<'EOF'
import { useState } from 'react'
import { z } from 'zod'
import { Button, Field } from '@acme/ui'

const schema = z.object({ email: z.string().email(), name: z.string().min(2) })

export function Settings() {
  const [form, setForm] = useState({ email: '', name: '' })
  const result = schema.safeParse(form)
  return (
    <form>
      <Field label="Email" value={form.email} onChange={(email) => setForm({ ...form, email })} />
      <Field label="Name" value={form.name} onChange={(name) => setForm({ ...form, name })} />
      <Button disabled={!result.success}>Save</Button>
    </form>
  )
}
EOF
    printf 'export type Stat = { day: string; total: number }\nexport async function fetchStats(): Promise<Stat[]> {\n  const res = await fetch("/api/stats")\n  return res.json()\n}\n' > "$src/api/stats.ts"
    printf 'export type Order = { id: string; date: string; status: string; total: number }\nexport async function fetchOrders(): Promise<Order[]> {\n  const res = await fetch("/api/orders")\n  return res.json()\n}\n' > "$src/api/orders.ts"
  done
  cat > "$dir/packages/ui/package.json" <<'EOF'
{ "name": "@acme/ui", "version": "1.0.0", "type": "module", "main": "src/index.ts", "types": "src/index.ts",
  "dependencies": { "clsx": "^2.1.1" }, "peerDependencies": { "react": "^18 || ^19" } }
EOF
  printf "export { Button } from './Button'\nexport { Card } from './Card'\nexport { Field } from './Field'\nexport { Table } from './Table'\n" > "$dir/packages/ui/src/index.ts"
  printf "import clsx from 'clsx'\nimport type { ButtonHTMLAttributes } from 'react'\nexport function Button({ className, ...props }: ButtonHTMLAttributes<HTMLButtonElement>) {\n  return <button className={clsx('btn', className)} {...props} />\n}\n" > "$dir/packages/ui/src/Button.tsx"
  printf "import type { ReactNode } from 'react'\nexport function Card({ title, children }: { title: string; children: ReactNode }) {\n  return <section className=\"card\"><h2>{title}</h2>{children}</section>\n}\n" > "$dir/packages/ui/src/Card.tsx"
  printf "export function Field({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {\n  return <label>{label}<input value={value} onChange={(e) => onChange(e.target.value)} /></label>\n}\n" > "$dir/packages/ui/src/Field.tsx"
  printf "export function Table({ caption, rows }: { caption: string; rows: string[][] }) {\n  return <table><caption>{caption}</caption><tbody>{rows.map((r, i) => <tr key={i}>{r.map((c, j) => <td key={j}>{c}</td>)}</tr>)}</tbody></table>\n}\n" > "$dir/packages/ui/src/Table.tsx"
  cat > "$dir/packages/utils/package.json" <<'EOF'
{ "name": "@acme/utils", "version": "1.0.0", "type": "module", "main": "src/index.ts", "types": "src/index.ts",
  "dependencies": { "date-fns": "^4.1.0" } }
EOF
  printf "export function formatMoney(cents: number): string {\n  return new Intl.NumberFormat('en', { style: 'currency', currency: 'EUR' }).format(cents / 100)\n}\nexport { formatDistance } from 'date-fns'\n" > "$dir/packages/utils/src/index.ts"
  (cd "$dir" && npm install --no-audit --no-fund >/dev/null)
}

setup_fallow() {
  [ -x "$WORK/fallow/node_modules/.bin/fallow" ] && return
  mkdir -p "$WORK/fallow"
  (cd "$WORK/fallow" && npm init -y >/dev/null && npm i --no-audit --no-fund fallow@3.41.0 >/dev/null)
}

echo "== setting up (once) in $WORK"
setup_next
setup_mono
setup_fallow
FALLOW="$WORK/fallow/node_modules/.bin/fallow"

if [ -n "${PERFSCOPE_BIN:-}" ]; then
  COLD=("$PERFSCOPE_BIN" analyze --format json --no-cache)
  WARM=("$PERFSCOPE_BIN" analyze --format json)
  echo "perfscope: $PERFSCOPE_BIN analyze --format json [--no-cache] DIR"
else
  (cd "$REPO" && cargo bench -p perfscope-source --bench source_bench --no-run 2>&1 | tail -1)
  HARNESS="$(ls -t "$REPO"/target/release/deps/source_bench-* | grep -v '\.d$' | head -1)"
  COLD=("$HARNESS" --measure-analyze)
  WARM=("$HARNESS" --cache --measure-analyze)
  echo "perfscope: the source benchmark harness (analyze + JSON report), $HARNESS"
fi

# Prints "wall_seconds peak_kb" of one command (its output discarded).
measure() {
  /usr/bin/time -f '%e %M' -o "$WORK/.time" "$@" >/dev/null 2>&1 || true
  tail -1 "$WORK/.time"
}

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

for project in nextapp mono; do
  dir="$WORK/$project"
  own=$(cd "$dir" && find . -path ./node_modules -prune -o \( -name '*.ts' -o -name '*.tsx' -o -name '*.js' -o -name '*.jsx' -o -name '*.mjs' \) -print | grep -vc node_modules || true)
  echo "== $project ($own own source files)"
  rm -rf "$dir/node_modules/.cache/perfscope"
  "${WARM[@]}" "$dir" >/dev/null 2>&1 || true # fills the cache
  : > "$WORK/$project.fallow"; : > "$WORK/$project.cold"; : > "$WORK/$project.warm"
  for round in $(seq 1 "$ROUNDS"); do
    (cd "$dir" && measure "$FALLOW" dead-code) >> "$WORK/$project.fallow"
    measure "${COLD[@]}" "$dir" >> "$WORK/$project.cold"
    measure "${WARM[@]}" "$dir" >> "$WORK/$project.warm"
  done
  for tool in fallow cold warm; do
    wall=$(cut -d' ' -f1 "$WORK/$project.$tool" | median)
    rss=$(cut -d' ' -f2 "$WORK/$project.$tool" | median)
    printf '  %-7s median wall %6.3f s, peak RSS %4.0f MB  (%s rounds: %s)\n' \
      "$tool" "$wall" "$(echo "$rss / 1024" | bc -l)" "$ROUNDS" "$(cut -d' ' -f1 "$WORK/$project.$tool" | tr '\n' ' ')"
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
