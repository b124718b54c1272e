"""pdfplumber's ``find_tables`` with the ``lines`` strategy (snap, join, intersections, smallest cells,
corner-connected groups), rewritten on plain tuples with indexes, so its cost is linear in the edges and cells
of a page rather than quadratic.  The edges are ``pdf_layer``'s: (orientation 'h'|'v', x0, top, x1, bottom).
"""

from __future__ import annotations

import bisect


def find_tables(
    edges: list[tuple[str, float, float, float, float]],
    snap: float = 3,
    join: float = 3,
    min_length: float = 3,
    tolerance: float = 3,
) -> list[tuple[tuple[float, float, float, float], list[tuple[float, float, float, float]]]]:
    """(bbox, cells) of each ruled table, as pdfplumber's ``find_tables`` finds them with
    ``vertical_strategy=horizontal_strategy='lines'`` and these tolerances."""
    v = [e for e in edges if e[0] == "v" and e[4] - e[2] >= 1]
    h = [e for e in edges if e[0] == "h" and e[3] - e[1] >= 1]
    v = _merge(v, 1, snap, join)
    h = _merge(h, 2, snap, join)
    v = [e for e in v if e[4] - e[2] >= min_length]
    h = [e for e in h if e[3] - e[1] >= min_length]
    h = _close_cut_cells(v, h, tolerance)
    cells = _cells(v, h, tolerance)
    return [(_bbox(group), group) for group in _groups(cells)]


def _merge(edges: list, axis: int, snap: float, join: float) -> list:
    """Snap edges lying within ``snap`` of one another onto their mean, then join collinear ones."""
    if not edges:
        return []
    # cluster the distinct positions (pdfplumber's cluster_list: a chain of gaps ≤ snap)
    values = sorted({e[axis] for e in edges})
    cluster_of: dict[float, int] = {}
    k = 0
    last = values[0]
    for val in values:
        if val > last + snap:
            k += 1
        cluster_of[val] = k
        last = val
    sums: dict[int, list[float]] = {}
    for e in edges:
        s = sums.setdefault(cluster_of[e[axis]], [0.0, 0])
        s[0] += e[axis]
        s[1] += 1
    mean = {key: s[0] / s[1] for key, s in sums.items()}
    groups: dict[float, list] = {}
    # pdfplumber moves each edge onto its cluster's mean, keeping the order within each cluster
    by_cluster: dict[int, list] = {}
    for e in edges:
        by_cluster.setdefault(cluster_of[e[axis]], []).append(e)
    for key in sorted(by_cluster):
        pos = mean[key]
        for e in by_cluster[key]:
            if axis == 1:  # vertical: x moves
                moved = ("v", pos, e[2], pos + (e[3] - e[1]), e[4])
            else:
                moved = ("h", e[1], pos, e[3], pos + (e[4] - e[2]))
            groups.setdefault(pos, []).append(moved)
    out = []
    lo, hi = (2, 4) if axis == 1 else (1, 3)
    for pos in sorted(groups):
        items = sorted(groups[pos], key=lambda e: e[lo])
        joined = [list(items[0])]
        for e in items[1:]:
            cur = joined[-1]
            if e[lo] <= cur[hi] + join:
                if e[hi] > cur[hi]:
                    cur[hi] = e[hi]
            else:
                joined.append(list(e))
        out.extend(tuple(j) for j in joined)
    return out


def _close_cut_cells(v: list, h: list, tol: float) -> list:
    """Draw a table's top or bottom border on over the columns where a page break left it out.

    Cells merged down over a page break are printed without their closing rule: on the next page a project's name,
    amounts and objective stand in columns whose rules run down from the page's table top with no line across it,
    while the indicator cells beside them are closed (北京 预算12表 项目支出绩效目标表, p.27 and p.45–46).  Without the
    line, those columns form no cells and their text falls out of the table.  A horizontal edge is widened over the
    vertical edges beyond its end that run exactly as the one at its end does (same top, same bottom): the same
    table's columns, cut at the same border; any other edge is left as pdfplumber sees it."""
    out = []
    for e in h:
        _, x0, y, x1, _ = e
        for end, other in ((2, 4), (4, 2)):  # rules hanging down from a top border, or standing on a bottom one
            at = [ve for ve in v if abs(ve[end] - y) <= tol]
            for edge_x, step in ((x0, -1), (x1, 1)):
                corner = [ve for ve in at if abs(ve[1] - edge_x) <= tol]
                if not corner:
                    continue
                span = corner[0][other]
                beyond = sorted((ve[1] for ve in at if (ve[1] - edge_x) * step > tol and abs(ve[other] - span) <= tol),
                                key=lambda x: x * step)
                if beyond:
                    if step < 0:
                        x0 = min(x0, beyond[-1])
                    else:
                        x1 = max(x1, beyond[-1])
        out.append(e if (x0, x1) == (e[1], e[3]) else ("h", x0, y, x1, e[4]))
    return out


def _cells(v: list, h: list, tol: float) -> list[tuple[float, float, float, float]]:
    """pdfplumber's intersections_to_cells: from each intersection, the smallest cell whose four
    corners are intersections joined by common edges."""
    if not v or not h:
        return []
    # edges are identified by their box, as pdfplumber compares them: each distinct box gets a number, so the sets
    # below hold small ints (cheap to hash and compare) instead of boxes
    v_ids: dict[tuple, int] = {}
    h_ids: dict[tuple, int] = {}
    v_id = [v_ids.setdefault(e[1:], len(v_ids)) for e in v]
    h_id = [h_ids.setdefault(e[1:], len(h_ids)) for e in h]
    points: dict[tuple[float, float], tuple[set, set]] = {}
    hs = sorted(range(len(h)), key=lambda j: (h[j][2], h[j][1]))
    h_tops = [h[j][2] for j in hs]
    for vi in sorted(range(len(v)), key=lambda k: (v[k][1], v[k][2])):
        _, x, vtop, _, vbottom = v[vi]
        lo = bisect.bisect_left(h_tops, vtop - tol)
        hi = bisect.bisect_right(h_tops, vbottom + tol)
        for j in hs[lo:hi]:
            _, hx0, htop, hx1, _ = h[j]
            if hx0 - tol <= x <= hx1 + tol:
                vertex = (x, htop)
                entry = points.get(vertex)
                if entry is None:
                    entry = points[vertex] = (set(), set())
                entry[0].add(v_id[vi])
                entry[1].add(h_id[j])
    ordered = sorted(points)
    by_x: dict[float, list] = {}
    by_y: dict[float, list] = {}
    at: dict[tuple[float, float], tuple[int, int]] = {}  # point -> its place in its column and its row
    for p in ordered:
        col = by_x.setdefault(p[0], [])
        row = by_y.setdefault(p[1], [])
        at[p] = (len(col), len(row))
        col.append(p)
        row.append(p)

    cells = []
    for pt in ordered:
        k_col, k_row = at[pt]
        below = by_x[pt[0]][k_col + 1 :]  # columns are sorted by y, rows by x
        right = by_y[pt[1]][k_row + 1 :]
        pt_v, pt_h = points[pt]
        found = None
        for b in below:
            b_v, b_h = points[b]
            if pt_v.isdisjoint(b_v):  # not joined to it by a vertical edge
                continue
            for r in right:
                r_v, r_h = points[r]
                if pt_h.isdisjoint(r_h):  # not joined to it by a horizontal edge
                    continue
                corner = points.get((r[0], b[1]))
                if corner is not None and not corner[0].isdisjoint(r_v) and not corner[1].isdisjoint(b_h):
                    found = (pt[0], pt[1], r[0], b[1])
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _groups(cells: list) -> list[list]:
    """pdfplumber's cells_to_tables: cells sharing a corner form one table (in its order)."""
    # each cell with its four corners, made once (a table's cells are looked at once per pass)
    remaining = [(cell, ((cell[0], cell[1]), (cell[0], cell[3]), (cell[2], cell[1]), (cell[2], cell[3])))
                 for cell in cells]
    tables = []
    corners: set = set()
    current: list = []
    while remaining:
        before = len(current)
        keep = []
        for item in remaining:
            cell, cc = item
            if not current or not corners.isdisjoint(cc):
                corners.update(cc)
                current.append(cell)
            else:
                keep.append(item)
        remaining = keep
        if len(current) == before:
            tables.append(current)
            corners = set()
            current = []
    if current:
        tables.append(current)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def _bbox(cells: list) -> tuple[float, float, float, float]:
    return (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))


__all__ = ["find_tables"]
