"""Reference hierarchy queries for ccc's taxonomy tests: reads an Allen Brain
Cell Atlas-style cluster_annotation_term.csv with pandas, builds the parent ->
child graph with networkx and prints, for every term, its ancestors (broadest
first, itself last), children and descendants (itself included) as JSON."""
import json
import sys

import networkx as nx
import pandas as pd


def main(path):
    terms = pd.read_csv(path, dtype=str, keep_default_na=False)
    g = nx.DiGraph()
    g.add_nodes_from(terms["label"])
    for child, parent in zip(terms["label"], terms["parent_term_label"]):
        if parent:
            g.add_edge(parent, child)
    if not nx.is_directed_acyclic_graph(g):
        raise SystemExit("cycle")
    out = {}
    for label in terms["label"]:
        path_up = [label]
        while True:
            preds = list(g.predecessors(path_up[-1]))
            if not preds:
                break
            path_up.append(preds[0])
        out[label] = {
            "ancestors": path_up[::-1],
            "children": sorted(g.successors(label)),
            "descendants": sorted(nx.descendants(g, label) | {label}),
            "level": terms.set_index("label").loc[label, "cluster_annotation_term_set_name"],
        }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
