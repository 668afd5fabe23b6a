#!/usr/bin/env python3
"""Writes examples/coahuila2020_casillas.csv, the casillas of the example config.

The per-casilla data are SYNTHETIC. Only the totals are real (spec §9.1, IEC
2020 local congress): 3,828 casillas of which 13 especiales, lista nominal
2,220,746, 16 distritos locales. The casillas are shaped like Coahuila's:

* real municipio numbers (INEGI order, 1 Abasolo ... 30 Saltillo ... 38
  Zaragoza), assigned to the 16 distritos in a plausible but illustrative way;
* secciones numbered 1, 2, ... in municipio order, each in one distrito and one
  municipio, with a básica and, in the cities, contiguas (every casilla of a
  sección gets an even share of its lista nominal, at most 750 electores);
* extraordinarias (some with a contigua of their own, EXT_CONTIGUA 1) in rural
  secciones;
* 13 casillas especiales: lista nominal 0, 750 boletas each;
* casillas per group of distritos as the press reported them per federal
  district head (Piedras Negras + Monclova 1,115; San Pedro 567; Torreón 1,038;
  Saltillo 1,108; spec §9.1).

Deterministic (fixed seed); the C++ code never runs or needs this script.
Usage: python3 examples/generate_coahuila2020_casillas.py [OUTPUT.csv]
"""

import csv
import os
import random
import sys

ENTIDAD_LISTA_NOMINAL = 2_220_746
TOTAL_CASILLAS = 3_828
ESPECIALES = 13
BOLETAS_ESPECIAL = 750
MAX_LN_CASILLA = 750
MIN_LN_CASILLA = 30

# INEGI municipio numbers of Coahuila (alphabetical order).
MUNICIPIOS = {
    1: "Abasolo", 2: "Acuña", 3: "Allende", 4: "Arteaga", 5: "Candela",
    6: "Castaños", 7: "Cuatro Ciénegas", 8: "Escobedo", 9: "Francisco I. Madero",
    10: "Frontera", 11: "General Cepeda", 12: "Guerrero", 13: "Hidalgo",
    14: "Jiménez", 15: "Juárez", 16: "Lamadrid", 17: "Matamoros", 18: "Monclova",
    19: "Morelos", 20: "Múzquiz", 21: "Nadadores", 22: "Nava", 23: "Ocampo",
    24: "Parras", 25: "Piedras Negras", 26: "Progreso", 27: "Ramos Arizpe",
    28: "Sabinas", 29: "Sacramento", 30: "Saltillo", 31: "San Buenaventura",
    32: "San Juan de Sabinas", 33: "San Pedro", 34: "Sierra Mojada", 35: "Torreón",
    36: "Viesca", 37: "Villa Unión", 38: "Zaragoza",
}
URBANOS = {2, 3, 6, 9, 10, 17, 18, 20, 22, 24, 25, 27, 28, 30, 32, 33, 35}

# distrito: (casillas other than especiales, especiales, [(municipio, share)]).
DISTRITOS = {
    1: (218, 1, [(2, 0.93), (14, 0.07)]),
    2: (226, 1, [(25, 0.80), (22, 0.10), (12, 0.02), (13, 0.02), (37, 0.03), (38, 0.03)]),
    3: (229, 1, [(28, 0.30), (32, 0.22), (20, 0.28), (3, 0.10), (19, 0.04), (26, 0.03),
                 (15, 0.03)]),
    4: (287, 1, [(33, 0.55), (9, 0.38), (34, 0.04), (7, 0.03)]),
    5: (224, 1, [(18, 0.69), (6, 0.12), (31, 0.07), (1, 0.01), (5, 0.01), (8, 0.01),
                 (16, 0.01), (21, 0.03), (29, 0.01), (23, 0.04)]),
    6: (214, 0, [(10, 0.70), (18, 0.30)]),
    7: (279, 0, [(17, 0.45), (36, 0.17), (35, 0.38)]),
    8: (262, 1, [(35, 1.0)]),
    9: (255, 1, [(35, 1.0)]),
    10: (259, 1, [(35, 1.0)]),
    11: (259, 0, [(35, 1.0)]),
    12: (224, 1, [(27, 0.45), (4, 0.18), (11, 0.10), (24, 0.27)]),
    13: (218, 1, [(30, 1.0)]),
    14: (222, 1, [(30, 1.0)]),
    15: (219, 1, [(30, 1.0)]),
    16: (220, 1, [(30, 1.0)]),
}

TIPO_ORDEN = {"B": 0, "C": 1, "E": 2, "S": 3}


def weighted(rng, table):
    """A key of `table` (key → weight)."""
    r = rng.random() * sum(table.values())
    for key, weight in table.items():
        r -= weight
        if r < 0:
            return key
    return key


def quotas(total, shares):
    """Splits `total` by `shares`, the last share taking the rounding."""
    out = []
    left = total
    for i, (municipio, share) in enumerate(shares):
        n = left if i == len(shares) - 1 else round(total * share)
        out.append((municipio, n))
        left -= n
    return out


def main():
    out_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "coahuila2020_casillas.csv")
    rng = random.Random(2020)

    # Which distritos share each municipio, and how many casillas each gets there.
    plan = {}
    for distrito, (regulares, _, shares) in DISTRITOS.items():
        for municipio, n in quotas(regulares, shares):
            plan.setdefault(municipio, []).append((distrito, n))

    casillas = []  # dicts
    seccion = 0
    for municipio in sorted(plan):
        urbano = municipio in URBANOS
        for distrito, quota in plan[municipio]:
            left = quota
            while left > 0:
                seccion += 1
                k = weighted(rng, {1: 25, 2: 36, 3: 22, 4: 10, 5: 5, 6: 2} if urbano
                             else {1: 55, 2: 30, 3: 12, 4: 3})
                k = min(k, left)
                rural_seccion = not urbano or rng.random() < 0.08
                ubicacion = 2 if rural_seccion else 1
                per_casilla = rng.randint(520, 745) if k > 1 or urbano else rng.randint(220, 700)
                for i in range(k):
                    casillas.append(dict(distrito=distrito, municipio=municipio, seccion=seccion,
                                         tipo="B" if i == 0 else "C", id_casilla=max(i, 1),
                                         ext_contigua=0, ubicacion=ubicacion,
                                         lista_nominal=per_casilla))
                left -= k
                # An extraordinaria for remote localities of a rural sección.
                if left > 0 and rural_seccion and rng.random() < 0.16:
                    casillas.append(dict(distrito=distrito, municipio=municipio, seccion=seccion,
                                         tipo="E", id_casilla=1, ext_contigua=0, ubicacion=2,
                                         lista_nominal=rng.randint(80, 480)))
                    left -= 1
                    if left > 0 and rng.random() < 0.25:
                        casillas.append(dict(distrito=distrito, municipio=municipio,
                                             seccion=seccion, tipo="E", id_casilla=1,
                                             ext_contigua=1, ubicacion=2,
                                             lista_nominal=rng.randint(80, 480)))
                        left -= 1

    # Lista nominal per distrito: near-equal targets that add up to the entidad's.
    weights = {d: 1 + rng.uniform(-0.05, 0.05) for d in DISTRITOS}
    targets = {d: int(ENTIDAD_LISTA_NOMINAL * w / sum(weights.values()))
               for d, w in weights.items()}
    targets[16] += ENTIDAD_LISTA_NOMINAL - sum(targets.values())
    for distrito, target in targets.items():
        units = [c for c in casillas if c["distrito"] == distrito]
        factor = target / sum(c["lista_nominal"] for c in units)
        for c in units:
            c["lista_nominal"] = min(MAX_LN_CASILLA,
                                     max(MIN_LN_CASILLA, round(c["lista_nominal"] * factor)))
        assert len(units) * MIN_LN_CASILLA <= target <= len(units) * MAX_LN_CASILLA
        diff = target - sum(c["lista_nominal"] for c in units)
        i = 0
        while diff != 0:
            c = units[i % len(units)]
            step = 1 if diff > 0 else -1
            if MIN_LN_CASILLA <= c["lista_nominal"] + step <= MAX_LN_CASILLA:
                c["lista_nominal"] += step
                diff -= step
            i += 1

    # Casillas especiales: in a sección of the distrito's main municipio.
    for distrito, (_, especiales, shares) in DISTRITOS.items():
        main_municipio = shares[0][0]
        secciones = sorted({c["seccion"] for c in casillas
                            if c["distrito"] == distrito and c["municipio"] == main_municipio})
        for j in range(especiales):
            casillas.append(dict(distrito=distrito, municipio=main_municipio,
                                 seccion=secciones[(7 + 11 * j) % len(secciones)], tipo="S",
                                 id_casilla=j + 1, ext_contigua=0, ubicacion=1, lista_nominal=0,
                                 boletas=BOLETAS_ESPECIAL))

    for c in casillas:
        c["representantes"] = weighted(rng, {0: 20, 1: 25, 2: 25, 3: 15, 4: 10, 5: 5})
    casillas.sort(key=lambda c: (c["distrito"], c["municipio"], c["seccion"],
                                 TIPO_ORDEN[c["tipo"]], c["id_casilla"], c["ext_contigua"]))

    assert len(casillas) == TOTAL_CASILLAS, len(casillas)
    assert sum(c["tipo"] == "S" for c in casillas) == ESPECIALES
    assert sum(c["lista_nominal"] for c in casillas) == ENTIDAD_LISTA_NOMINAL
    columns = ["distrito", "municipio", "seccion", "tipo", "id_casilla", "ext_contigua",
               "ubicacion", "lista_nominal", "representantes", "boletas"]
    with open(out_path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for c in casillas:
            writer.writerow({k: c.get(k, "") for k in columns})

    by_tipo = {}
    for c in casillas:
        by_tipo[c["tipo"]] = by_tipo.get(c["tipo"], 0) + 1
    print(f"{os.path.relpath(out_path)}: {len(casillas)} casillas {dict(sorted(by_tipo.items()))}, "
          f"{len({c['seccion'] for c in casillas})} secciones, "
          f"lista nominal {sum(c['lista_nominal'] for c in casillas)}")


if __name__ == "__main__":
    main()
