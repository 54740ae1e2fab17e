"""The economic-news annotation workflow: sample records, turn listed substrings into offsets, check, build.

Working files hold corpus text, so they live outside the repository (``--work``,
default ``../ann``); what the repository gets (``build``) is ids, hashes and offsets.

  python tools/annotate.py sample                 # records.jsonl, batches/bNN.jsonl, agree/aNN.jsonl
  python tools/annotate.py --work ../ann2 sample --extend 1 --rows 40   # a further round of train rows
  python tools/annotate.py check FILE.spans.jsonl # offsets + every rule; writes FILE.offsets.jsonl
  python tools/annotate.py show FILE.spans.jsonl  # each record with its spans marked
  python tools/annotate.py leftovers FILE.spans.jsonl   # numbers, currencies, dates, org words no span covers
  python tools/annotate.py agree A_DIR B_DIR      # strict span F1 between two annotations of the same ids
  python tools/annotate.py gold WORD              # how the split files' train and dev records tag a word (for annotators)
  python tools/annotate.py scan                   # span texts that this round labels otherwise than the split files
  python tools/annotate.py disagree --parts 4     # records where the bundled model differs, in diffs/dN.jsonl for adjudicators
  python tools/annotate.py build                  # data/annotations/eghtesadonline/{train,dev,test}.jsonl

A spans file has one line per record: ``{"id": ..., "spans": [["exact substring", "LABEL"], ...]}``,
spans in the order they occur. Each substring is found at the first place after the
previous span where it stands as whole words; ``["substring", "LABEL", n]`` skips n
such places first.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

from farsiner.data.labels import ENTITY_TYPES
from farsiner.data.normalize import normalize
from farsiner.data.readers.eghtesadonline import FIELDS, SECTIONS, gold_rows, read_eghtesadonline
from farsiner.data.segment import split_words
from farsiner.data.span_checks import span_problems

DATA = ROOT.parent / "shared" / "data" / "eghtesadonline"
WORK = ROOT.parent / "ann"
OUT = ROOT / "data" / "annotations" / "eghtesadonline"
SPLITS = ("train", "dev", "test")
TEST_FROM = "1403/05/01"  # the test split is the future: this date and later
SEED = 1403


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    for lineno, line in enumerate(Path(path).read_text(encoding="utf-8").split("\n"), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                sys.exit(f"{path}:{lineno}: not JSON: {err}")
    return rows


def write_jsonl(path: Path, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------- sampling

def _period(date: str) -> str:
    if date >= TEST_FROM:
        return "1403-test"
    return date[:4]


def _template_key(text: str) -> str:
    """Daily price templates differ only in their numbers: compare their first words with digits folded."""
    t = normalize(text, zwnj="remove", digits="latin").text
    return re.sub(r"\d+", "0", " ".join(t.split()))[:45]


def _exact_key(text: str) -> str:
    """A lead's text with spacing, ZWNJs and digit scripts folded: exact duplicates share it."""
    return "".join(normalize(text, zwnj="remove", digits="latin").text.split())


def _words(text: str) -> frozenset:
    return frozenset(normalize(text, zwnj="remove", digits="latin").text.split())


def sample(args) -> None:
    """Rows stratified over section x period (four Jalali years, the test period apart); leads, and a quarter's headlines.

    With ``--extend`` the draw is a further round for the train split: rows before the
    test period that no split file names, kept apart from them by the same duplicate rules.
    """
    rng = random.Random(SEED + args.extend)
    records = [r for r in read_eghtesadonline(args.data) if r.summary.strip()]
    cells = defaultdict(list)
    for r in records:
        cells[(r.section, _period(r.date))].append(r)
    chosen, seen_exact, templates, word_sets = [], set(), Counter(), []
    if args.extend:
        gold = gold_rows([OUT / f"{split}.jsonl" for split in SPLITS])
        for r in records:
            if r.id in gold:
                seen_exact.add(_exact_key(r.summary))
                templates[_template_key(r.summary)] += 1
                word_sets.append(_words(r.summary))
        cells = {k: [r for r in v if r.id not in gold] for k, v in cells.items() if k[1] != "1403-test"}
    for key in sorted(cells):
        pool = cells[key][:]
        rng.shuffle(pool)
        want = args.test_rows if key[1] == "1403-test" else args.rows
        taken = 0
        for r in pool:
            if taken == want:
                break
            exact = _exact_key(r.summary)
            tkey = _template_key(r.summary)
            if exact in seen_exact or templates[tkey] >= 2:
                continue
            ws = _words(r.summary)
            if any(len(ws & o) / max(1, len(ws | o)) > 0.6 for o in word_sets):
                continue  # a near-duplicate of a chosen lead
            seen_exact.add(exact)
            templates[tkey] += 1
            word_sets.append(ws)
            chosen.append(r)
            taken += 1
    rng.shuffle(chosen)
    with_title = set(r.id for r in rng.sample(chosen, len(chosen) // 4))
    # dev: rows before the test period, chosen by a hash so that the choice is stable
    before = sorted((r for r in chosen if r.date < TEST_FROM), key=lambda r: sha1(f"dev:{r.id}"))
    dev_rows = set() if args.extend else set(r.id for r in before[: args.dev_rows])
    out = []
    for r in chosen:
        split = "test" if r.date >= TEST_FROM else "dev" if r.id in dev_rows else "train"
        for field in FIELDS:
            if field == "title" and r.id not in with_title:
                continue
            text = r.text(field)
            out.append({"id": f"{r.id}:{field}", "split": split, "section": r.section, "date": r.date, "text": text})
    rng.shuffle(out)
    work = Path(args.work)
    write_jsonl(work / "records.jsonl", out)
    for i in range(0, len(out), args.batch):
        write_jsonl(work / "batches" / f"b{i // args.batch:02d}.jsonl", [{"id": r["id"], "text": r["text"]} for r in out[i : i + args.batch]])
    second = rng.sample(out, 0 if args.extend else args.agree)
    for i in range(0, len(second), args.batch):
        write_jsonl(work / "agree" / f"a{i // args.batch:02d}.jsonl", [{"id": r["id"], "text": r["text"]} for r in second[i : i + args.batch]])
    print(f"{len(chosen)} rows, {len(out)} records:", dict(Counter(r["split"] for r in out)))
    print("per section:", dict(Counter(r["section"] for r in out)))
    print("per period:", dict(Counter(_period(r["date"]) for r in out)))


# ---------------------------------------------------------------- offsets and checks

def _records(args) -> dict[str, dict]:
    return {r["id"]: r for r in read_jsonl(Path(args.work) / "records.jsonl")}


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "\u200c"


def find_offsets(text: str, listed) -> tuple[list[tuple[int, int, str]], list[str]]:
    """Offsets of listed ``[substring, label(, skip)]`` spans, each found after the previous one."""
    spans, problems, pos = [], [], 0
    for item in listed:
        if not (isinstance(item, list) and len(item) in (2, 3) and isinstance(item[0], str) and item[0]):
            problems.append(f"not [substring, label] or [substring, label, skip]: {item!r}")
            continue
        sub, label, skip = item[0], item[1], item[2] if len(item) == 3 else 0
        found, i = None, text.find(sub, pos)
        while i != -1:
            j = i + len(sub)
            # a ZWNJ written at a word's very end («معدن‌ ») is outside the word
            after = j + 1 if j < len(text) and text[j] == "\u200c" else j
            whole = (i == 0 or not (_is_word(text[i - 1]) and _is_word(sub[0]))) and (
                after == len(text) or not (_is_word(text[after]) and _is_word(sub[-1]))
            )
            if whole:
                if skip == 0:
                    found = i
                    break
                skip -= 1
            i = text.find(sub, i + 1)
        if found is None:
            where = "after the previous span" if pos else "as whole words"
            problems.append(f"«{sub}» {label}: not found {where} (list spans in text order)")
            continue
        spans.append((found, found + len(sub), label))
        pos = found + len(sub)
    return spans, problems


def check(args) -> None:
    records = _records(args)
    total_problems = 0
    for path in args.files:
        path = Path(path)
        if not path.name.endswith(".spans.jsonl"):
            sys.exit(f"{path}: a spans file is named NAME.spans.jsonl (its offsets go to NAME.offsets.jsonl)")
        rows = read_jsonl(path)
        out, seen = [], set()
        for row in rows:
            rid = row.get("id")
            if rid not in records:
                print(f"{path}: unknown id {rid!r}")
                total_problems += 1
                continue
            if rid in seen:
                print(f"{path}: {rid}: listed twice")
                total_problems += 1
            seen.add(rid)
            text = records[rid]["text"]
            spans, problems = find_offsets(text, row.get("spans", []))
            problems += span_problems(text, spans)
            for p in problems:
                print(f"{rid}: {p}")
            total_problems += len(problems)
            out.append({"id": rid, "sha1": sha1(text), "entities": [{"start": a, "end": b, "label": lab} for a, b, lab in spans]})
        batch = path.name.split(".")[0]
        expected = Path(args.work) / ("agree" if batch.startswith("a") else "batches") / f"{batch}.jsonl"
        if expected.exists():
            missing = [r["id"] for r in read_jsonl(expected) if r["id"] not in seen]
            for rid in missing:
                print(f"{path}: {rid}: missing (every record of the batch needs a line, with [] if it has no span)")
            total_problems += len(missing)
        write_jsonl(path.with_name(path.name.replace(".spans.jsonl", ".offsets.jsonl")), out)
        print(f"{path}: {len(rows)} records, {sum(len(r['entities']) for r in out)} spans")
    print(f"{total_problems} problems")
    sys.exit(1 if total_problems else 0)


def _offsets_of(path: Path, records) -> list[tuple[str, str, list[tuple[int, int, str]]]]:
    out = []
    for row in read_jsonl(path):
        text = records[row["id"]]["text"]
        spans, _ = find_offsets(text, row.get("spans", []))
        out.append((row["id"], text, spans))
    return out


def marked(text: str, spans) -> str:
    parts, pos = [], 0
    for a, b, label in sorted(spans):
        parts += [text[pos:a], f"[{text[a:b]}]{label}"]
        pos = b
    parts.append(text[pos:])
    return "".join(parts)


def show(args) -> None:
    records = _records(args)
    for path in args.files:
        for rid, text, spans in _offsets_of(Path(path), records):
            print(f"{rid}\t{marked(text, spans)}")


# words that usually belong to an entity or a quantity; each one left uncovered is listed
NUMBER_WORDS = set(
    "یک دو سه چهار پنج شش هفت هشت نه ده یازده دوازده سیزده چهارده پانزده شانزده هفده هجده نوزده بیست سی چهل پنجاه "
    "شصت هفتاد هشتاد نود صد یکصد دویست سیصد چهارصد پانصد ششصد هفتصد هشتصد نهصد هزار یکهزار میلیون میلیارد "
    "بیلیون تریلیون همت نیم دهم صدم هزارم دوبرابر برابر ربع".split()
)
CURRENCY_WORDS = set("ریال تومان تومن دلار یورو درهم یوان پوند روبل لیر دینار ین وون روپیه فرانک همت سکه".split())
PERCENT_WORDS = set("درصد درصدی ٪ % واحد".split())
DATE_WORDS = set(
    "امروز دیروز فردا امسال پارسال سال سالانه ماه ماهه هفته روز روزه شنبه یکشنبه دوشنبه سه‌شنبه چهارشنبه پنجشنبه "
    "پنج‌شنبه جمعه فروردین اردیبهشت خرداد تیر مرداد شهریور مهر آبان آذر دی بهمن اسفند ژانویه فوریه مارس آوریل "
    "مه می ژوئن ژوئیه جولای اوت آگوست سپتامبر اکتبر نوامبر دسامبر بهار تابستان پاییز زمستان گذشته اخیر آینده "
    "ساعت صبح ظهر عصر شب بامداد دیشب امشب دقیقه قرن دهه".split()
)
ORG_WORDS = set(
    "شرکت بانک وزارت وزیر سازمان اتحادیه صندوق بورس فرابورس گروه خبرگزاری روزنامه مجلس کمیسیون اتاق انجمن موسسه "
    "مؤسسه مرکز ستاد شورا شورای هلدینگ پتروشیمی فولاد پالایشگاه پالایش گمرک دولت اوپک فدرال ایمیدرو ایدرو "
    "خودرو ایران‌خودرو سایپا معدن نفت گاز کارخانه دانشگاه پژوهشگاه اداره کانون سندیکا فدراسیون آژانس صندوق".split()
)
LOC_WORDS = set("استان شهر کشور بندر منطقه جزیره خلیج دریای شهرک مرز ایران تهران جهان".split())


def _kind(word: str) -> str | None:
    w = normalize(word, zwnj="keep", digits="latin").text
    if any(ch.isdigit() for ch in w):
        return "digit"
    bare = w.replace("\u200c", "")
    for kind, words in (("number", NUMBER_WORDS), ("currency", CURRENCY_WORDS), ("percent", PERCENT_WORDS),
                        ("date/time", DATE_WORDS), ("org", ORG_WORDS), ("loc", LOC_WORDS)):
        if w in words or bare in words or any(w.startswith(x + "\u200c") for x in words):
            return kind
    if re.search(r"[A-Za-z]{2,}", w):
        return "latin"
    return None


def leftovers(args) -> None:
    records = _records(args)
    n = 0
    for path in args.files:
        for rid, text, spans in _offsets_of(Path(path), records):
            left = []
            for a, b in split_words(text):
                if any(s < b and a < e for s, e, _ in spans):
                    continue
                kind = _kind(text[a:b])
                if kind:
                    left.append(f"{text[a:b]}({kind})")
            if left:
                n += len(left)
                print(f"{rid}\t{marked(text, spans)}\n\tLEFT: {' '.join(left)}")
    print(f"{n} uncovered words to decide")


# ---------------------------------------------------------------- agreement and build

def _load_offsets(folder: Path) -> dict[str, set]:
    out = {}
    for path in sorted(Path(folder).glob("*.offsets.jsonl")):
        for row in read_jsonl(path):
            out[row["id"]] = {(e["start"], e["end"], e["label"]) for e in row["entities"]}
    return out


def span_f1(a: dict[str, set], b: dict[str, set], ids) -> dict[str, dict]:
    """Strict span agreement of b against a, per type and overall (F1 is symmetric)."""
    result = {}
    for t in [*ENTITY_TYPES, "ALL"]:
        def pick(spans):
            return {s for s in spans if t == "ALL" or s[2] == t}
        tp = sum(len(pick(a[i]) & pick(b[i])) for i in ids)
        na = sum(len(pick(a[i])) for i in ids)
        nb = sum(len(pick(b[i])) for i in ids)
        f1 = 2 * tp / (na + nb) if na + nb else 1.0
        result[t] = {"a": na, "b": nb, "both": tp, "f1": round(f1, 4)}
    return result


def agree(args) -> None:
    a, b = _load_offsets(Path(args.first)), _load_offsets(Path(args.second))
    ids = sorted(set(a) & set(b))
    print(f"{len(ids)} records annotated twice")
    for t, r in span_f1(a, b, ids).items():
        print(f"{t:4} first {r['a']:5} second {r['b']:5} both {r['both']:5} F1 {r['f1']:.4f}")
    if args.diff:
        records = _records(args)
        for i in ids:
            if a[i] != b[i]:
                text = records[i]["text"]
                print(f"\n{i}\n  A: {marked(text, a[i])}\n  B: {marked(text, b[i])}")


# ---------------------------------------------------------------- consistency across rounds

def _split_spans(splits=("train", "dev")):
    """``(id, text, spans)`` of the split files' records (test stays out of the annotators' sight)."""
    rows = {r.id: r for r in read_eghtesadonline(DATA)}
    for split in splits:
        for r in read_jsonl(OUT / f"{split}.jsonl"):
            section, row, field = r["id"].split(":")
            yield r["id"], rows[f"{section}:{row}"].text(field), {(e["start"], e["end"], e["label"]) for e in r["entities"]}


def gold(args) -> None:
    n = 0
    for rid, text, spans in _split_spans():
        if args.word in text and n < args.max:
            print(rid, marked(text, spans))
            n += 1


def scan(args) -> None:
    """Each span text whose labels in this round are several, or not among those the split files give it.

    Run it before ``build``, while the split files hold only the earlier rounds.
    """
    def key(span):
        return " ".join(normalize(span, zwnj="remove", digits="latin").text.split())

    earlier, now = defaultdict(set), defaultdict(set)
    for _, text, spans in _split_spans():
        for a, b, label in spans:
            earlier[key(text[a:b])].add(label)
    records = _records(args)
    for rid, spans in _load_offsets(Path(args.work) / "work").items():
        for a, b, label in spans:
            now[key(records[rid]["text"][a:b])].add((label, rid))
    for k, v in sorted(now.items()):
        labels = {label for label, _ in v}
        if len(labels) > 1 or (k in earlier and not labels <= earlier[k]):
            print(k, "| this round:", sorted(v), "| split files:", sorted(earlier.get(k, [])))


def disagree(args) -> None:
    """The bundled model tags every annotated record; the records where it differs go to ``diffs/dN.jsonl``."""
    from farsiner import Tagger

    records = _records(args)
    annotated = _load_offsets(Path(args.work) / "work")
    ids = sorted(annotated)
    predicted = {rid: {(e.start, e.end, e.label) for e in ents}
                 for rid, ents in zip(ids, Tagger.from_pretrained().tag_batch([records[i]["text"] for i in ids]))}
    out = []
    for rid in ids:
        text, gold_spans, model = records[rid]["text"], annotated[rid], predicted[rid]
        if model != gold_spans:
            out.append({"id": rid, "annotation": marked(text, gold_spans), "model": marked(text, model),
                        "only_annotation": [[text[a:b], lab] for a, b, lab in sorted(gold_spans - model)],
                        "only_model": [[text[a:b], lab] for a, b, lab in sorted(model - gold_spans)]})
    f1 = span_f1(annotated, predicted, ids)["ALL"]["f1"]
    print(f"{len(ids)} records, {len(out)} differ; model F1 against the annotation {f1:.3f}")
    size = -(-len(out) // args.parts)
    for i in range(args.parts):
        write_jsonl(Path(args.work) / "diffs" / f"d{i}.jsonl", out[i * size : (i + 1) * size])


def build(args) -> None:
    """The split files from every checked batch of a work folder, each record's hash checked against the CSVs.

    Records already in the split files and not in this work folder (an earlier round's) are kept.
    """
    records = _records(args)
    rows = {r.id: r for r in read_eghtesadonline(args.data)}
    final = _load_offsets(Path(args.work) / "final") if (Path(args.work) / "final").exists() else {}
    annotated = _load_offsets(Path(args.work) / "work")
    annotated.update(final)  # settled records (agreement, second pass) win
    split_of = {rid: r["split"] for rid, r in records.items()}
    kept = {}
    for split in SPLITS:
        path = OUT / f"{split}.jsonl"
        for r in read_jsonl(path) if path.exists() else []:
            if r["id"] not in annotated:
                kept[r["id"]] = {(e["start"], e["end"], e["label"]) for e in r["entities"]}
                split_of[r["id"]] = split
    splits = defaultdict(list)
    for rid, spans in [*kept.items(), *annotated.items()]:
        section, row, field = rid.split(":")
        text = rows[f"{section}:{row}"].text(field)
        if rid in annotated and text != records[rid]["text"]:
            sys.exit(f"{rid}: the CSV text differs from the sampled one")
        problems = span_problems(text, spans)
        if problems:
            sys.exit(f"{rid}: {problems[0]}")
        entities = [{"start": a, "end": b, "label": lab} for a, b, lab in sorted(spans)]
        splits[split_of[rid]].append({"id": rid, "sha1": sha1(text), "entities": entities})
    key = lambda r: (r["id"].split(":")[0], int(r["id"].split(":")[1]), r["id"].split(":")[2])  # noqa: E731
    for split, out in splits.items():
        write_jsonl(OUT / f"{split}.jsonl", sorted(out, key=key))
        counts = Counter(e["label"] for r in out for e in r["entities"])
        print(f"{split}: {len(out)} records, {sum(counts.values())} spans", dict(sorted(counts.items())))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--work", default=str(WORK))
    p.add_argument("--data", default=str(DATA))
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("sample")
    s.add_argument("--rows", type=int, default=80, help="rows per section and Jalali year before the test period")
    s.add_argument("--test-rows", type=int, default=95, help="rows per section from the test period")
    s.add_argument("--dev-rows", type=int, default=260)
    s.add_argument("--batch", type=int, default=50)
    s.add_argument("--agree", type=int, default=200)
    s.add_argument("--extend", type=int, default=0, help="round N (1, 2, ...) of further train rows; 0: the first draw")
    for name in ("check", "show", "leftovers"):
        c = sub.add_parser(name)
        c.add_argument("files", nargs="+")
    a = sub.add_parser("agree")
    a.add_argument("first")
    a.add_argument("second")
    a.add_argument("--diff", action="store_true")
    g = sub.add_parser("gold")
    g.add_argument("word")
    g.add_argument("--max", type=int, default=15)
    sub.add_parser("scan")
    d = sub.add_parser("disagree")
    d.add_argument("--parts", type=int, default=4)
    sub.add_parser("build")
    args = p.parse_args()
    commands = {"sample": sample, "check": check, "show": show, "leftovers": leftovers, "agree": agree,
                "gold": gold, "scan": scan, "disagree": disagree, "build": build}
    commands[args.cmd](args)


if __name__ == "__main__":
    main()
