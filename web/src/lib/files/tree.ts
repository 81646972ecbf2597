/**
 * The Files view's tree as pure functions over code.tree's flat, path-sorted
 * entries: nest them (adding any parent directory the list leaves out),
 * order each folder's children folders first, and flatten what is visible
 * for a set of expanded folders into rows the view renders as a flat ARIA tree.
 */
import type { Schemas } from "#lib/api/client.ts";

export type TreeEntry = Schemas["TreeEntry"];
export type EntryType = TreeEntry["type"];

export interface TreeNode {
  path: string;
  name: string;
  type: EntryType;
  size: number;
  children: TreeNode[];
}

export interface TreeRow {
  path: string;
  name: string;
  type: EntryType;
  size: number;
  /** 1 for entries at the project root (aria-level). */
  level: number;
  /** Position among its siblings, from 1 (aria-posinset), and their count (aria-setsize). */
  position: number;
  siblings: number;
  /** Folders only: whether its children are shown. */
  expanded: boolean;
  /** Folders only: whether it has any children to show. */
  hasChildren: boolean;
  /** The folder it is in; "" at the root. */
  parent: string;
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash);
}

export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** The folders a path is in, outermost first: "a/b/c.py" gives ["a", "a/b"]. */
export function ancestorsOf(path: string): string[] {
  const segments = path.split("/");
  return segments.slice(0, -1).map((_, index) => segments.slice(0, index + 1).join("/"));
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

function compareNodes(a: TreeNode, b: TreeNode): number {
  const aDir = a.type === "directory" ? 0 : 1;
  const bDir = b.type === "directory" ? 0 : 1;
  return aDir - bDir || collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Nests flat entries under their folders; a folder missing from the list is added. Returns the root's children. */
export function buildTree(entries: readonly TreeEntry[]): TreeNode[] {
  const root: TreeNode = { path: "", name: "", type: "directory", size: 0, children: [] };
  const byPath = new Map<string, TreeNode>([["", root]]);
  const folder = (path: string): TreeNode => {
    const known = byPath.get(path);
    if (known !== undefined) return known;
    const node: TreeNode = { path, name: nameOf(path), type: "directory", size: 0, children: [] };
    byPath.set(path, node);
    folder(parentOf(path)).children.push(node);
    return node;
  };
  for (const entry of entries) {
    if (entry.path === "") continue;
    const existing = byPath.get(entry.path);
    if (existing !== undefined) {
      // A folder added for a child before its own entry: take the entry's type and size.
      existing.type = entry.type;
      existing.size = entry.size;
      continue;
    }
    const node: TreeNode = {
      path: entry.path,
      name: nameOf(entry.path),
      type: entry.type,
      size: entry.size,
      children: [],
    };
    byPath.set(entry.path, node);
    folder(parentOf(entry.path)).children.push(node);
  }
  const sort = (nodes: TreeNode[]) => {
    nodes.sort(compareNodes);
    for (const node of nodes) sort(node.children);
  };
  sort(root.children);
  return root.children;
}

/** The rows to show, depth first, descending only into expanded folders. */
export function visibleRows(nodes: readonly TreeNode[], expanded: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (level: readonly TreeNode[], depth: number, parent: string) => {
    level.forEach((node, index) => {
      const isDir = node.type === "directory";
      const open = isDir && expanded.has(node.path);
      rows.push({
        path: node.path,
        name: node.name,
        type: node.type,
        size: node.size,
        level: depth,
        position: index + 1,
        siblings: level.length,
        expanded: open,
        hasChildren: node.children.length > 0,
        parent,
      });
      if (open) walk(node.children, depth + 1, node.path);
    });
  };
  walk(nodes, 1, "");
  return rows;
}

/** Where keyboard focus goes for a key in a tree of `rows`, from row `index`; null to leave it. */
export function moveFocus(
  rows: readonly TreeRow[],
  index: number,
  key: string,
): { index: number } | { toggle: string } | null {
  const row = rows[index];
  if (row === undefined) return null;
  switch (key) {
    case "ArrowDown":
      return index + 1 < rows.length ? { index: index + 1 } : null;
    case "ArrowUp":
      return index > 0 ? { index: index - 1 } : null;
    case "Home":
      return { index: 0 };
    case "End":
      return { index: rows.length - 1 };
    case "ArrowRight":
      if (row.type !== "directory" || !row.hasChildren) return null;
      return row.expanded ? { index: index + 1 } : { toggle: row.path };
    case "ArrowLeft": {
      if (row.type === "directory" && row.expanded) return { toggle: row.path };
      const parent = rows.findIndex((candidate) => candidate.path === row.parent);
      return parent === -1 ? null : { index: parent };
    }
    default:
      return null;
  }
}
