"""pdf_tables.find_tables on hand-drawn rulings: a border a page break left out over some columns (北京 预算12表)."""

from __future__ import annotations

from pipelines.lib.pdf_tables import find_tables


def _grid(xs: list[float], top: float, bottom: float, rows: list[float], border_from: float) -> list[tuple]:
    """Vertical rules at xs from top to bottom; a top border and row rules drawn only from x=border_from rightwards
    (the right-hand indicator cells), and a bottom border over the whole width — p.27's ruling in miniature."""
    edges = [("v", x, top, x, bottom) for x in xs]
    edges += [("h", border_from, y, xs[-1], y) for y in (top, *rows)]
    edges.append(("h", xs[0], bottom, xs[-1], bottom))
    return edges


def test_top_border_left_out_over_the_merged_columns_is_drawn_on():
    # columns 80 | 160 | 220 | 370 (project name, amount, objective) left of the indicator cells 370 | 440 | 500
    edges = _grid([80, 160, 220, 370, 440, 500], top=76, bottom=510, rows=[140, 200], border_from=370)
    [(bbox, cells)] = find_tables(edges)
    assert bbox == (80, 76, 500, 510)
    # the three merged cells, each the full height, beside 3 rows × 2 indicator cells
    assert sorted(c for c in cells if c[2] <= 370) == [(80, 76, 160, 510), (160, 76, 220, 510), (220, 76, 370, 510)]
    assert len(cells) == 9


def test_rules_of_another_height_are_not_joined():
    # the same, but the left rules stop short of the border (another drawing beside the table): left as drawn,
    # only the indicator cells form the table
    edges = _grid([370, 440, 500], top=76, bottom=510, rows=[140, 200], border_from=370)
    edges += [("v", x, 90, x, 300) for x in (80, 160, 220)]
    [(bbox, cells)] = find_tables(edges)
    assert bbox == (370, 76, 500, 510) and len(cells) == 6
