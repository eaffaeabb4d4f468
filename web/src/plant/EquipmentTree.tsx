// The equipment hierarchy as an expandable tree with search.
import { useEffect, useState, type KeyboardEvent } from 'react';
import { navigate } from '../platform/router.tsx';
import { LEVEL_LABELS, type Equipment } from '../platform/types.ts';
import { ancestors, buildTree, filterTree, type TreeNode } from './tree.ts';

const LEVEL_ABBR: Record<string, string> = {
  enterprise: 'ENT',
  site: 'SITE',
  area: 'AREA',
  line: 'LINE',
  workCenter: 'WC',
  cell: 'CELL',
  machine: 'MC',
};

export function EquipmentTree({ list, selectedId }: { list: Equipment[]; selectedId?: string }) {
  const [q, setQ] = useState('');
  const [expanded, setExpanded] = useState<Set<string>>(() => {
    // Open the top three levels by default so lines are visible at a glance.
    const open = new Set<string>();
    for (const n of buildTree(list)) {
      open.add(n.eq.id);
      for (const c of n.children) {
        open.add(c.eq.id);
        for (const g of c.children) open.add(g.eq.id);
      }
    }
    return open;
  });

  useEffect(() => {
    const up = ancestors(list, selectedId);
    if (up.some((id) => !expanded.has(id))) setExpanded((s) => new Set([...s, ...up]));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [selectedId, list]);

  const roots = filterTree(buildTree(list), q);
  const searching = q.trim() !== '';
  const toggle = (id: string) =>
    setExpanded((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const renderNode = (node: TreeNode) => {
    const { eq } = node;
    const hasKids = node.children.length > 0;
    const open = searching || expanded.has(eq.id);
    const selected = eq.id === selectedId;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'ArrowRight' && hasKids && !open) toggle(eq.id);
      else if (e.key === 'ArrowLeft' && hasKids && open) toggle(eq.id);
      else if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        navigate(`/plant/equipment/${encodeURIComponent(eq.id)}`);
      }
    };
    return (
      <li
        key={eq.id}
        role="treeitem"
        aria-level={node.depth + 1}
        aria-expanded={hasKids ? open : undefined}
        aria-selected={selected}
        data-testid="tree-node"
        data-path={eq.path}
      >
        <div className={`tree-row${selected ? ' selected' : ''}`} style={{ paddingLeft: `${node.depth * 16 + 4}px` }}>
          {hasKids ? (
            <button type="button" className="tree-toggle" aria-label={`${open ? 'Collapse' : 'Expand'} ${eq.name}`} onClick={() => toggle(eq.id)} tabIndex={-1}>
              <span className={`caret${open ? ' open' : ''}`} aria-hidden="true" />
            </button>
          ) : (
            <span className="tree-toggle" aria-hidden="true" />
          )}
          <a
            href={`/plant/equipment/${encodeURIComponent(eq.id)}`}
            className="tree-label"
            onKeyDown={onKey}
            onClick={(e) => {
              e.preventDefault();
              navigate(`/plant/equipment/${encodeURIComponent(eq.id)}`);
            }}
            title={`${eq.name} — ${eq.path}`}
          >
            <span className={`level level-${eq.level}`} title={LEVEL_LABELS[eq.level]}>
              {LEVEL_ABBR[eq.level] ?? eq.level}
            </span>
            <span className="tree-name">{eq.name}</span>
          </a>
        </div>
        {hasKids && open && <ul role="group">{node.children.map(renderNode)}</ul>}
      </li>
    );
  };

  return (
    <>
      <div className="pane-search">
        <input
          type="search"
          className="search"
          placeholder="Search equipment…"
          aria-label="Search equipment"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
      </div>
      {roots.length === 0 ? (
        <div className="muted pad">{list.length ? 'No equipment matches.' : 'No equipment yet.'}</div>
      ) : (
        <ul className="tree" role="tree" aria-label="Equipment hierarchy" data-testid="equipment-tree">
          {roots.map(renderNode)}
        </ul>
      )}
    </>
  );
}
