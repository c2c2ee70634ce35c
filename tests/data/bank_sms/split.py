"""Merge the collectors' labelled bank SMS, drop duplicates, split dev/test by source group.

The split is by source (a repository, a web site + author), never by message, so that a
reader tuned on dev meets unseen *sources* in test. Groups the old reader was fitted on (the
76-message shared corpus came from them) are dev by rule. The rest are ordered by the SHA-256
of their name and given to test until test holds ~35 % of the messages.
"""
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/staging/corpus")
OUT = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT
SHARE = 0.35
# one family under two names (two versions of one file, or two copies of one util class)
FAMILY = {
    "unresolved:ruoyi BankInfoAnalysisAlgorithmTool": "ruoyi-BankInfoAnalysisAlgorithmTool",
    "unresolved:com.code.baseservice BankCaseUtil": "BankCaseUtil",
    "unresolved:com.vc.onlinepay BankCaseUtil": "BankCaseUtil",
    "AutoAccountingOrg/AutoRule": "AutoAccounting",
    "AutoAccountingOrg/AutoAccounting": "AutoAccounting",
}
# the 76 labelled messages the old reader was fitted on came from these: dev by rule
SEEN = {"AutoAccounting", "wangsc1985/MyPhone", "ruoyi-BankInfoAnalysisAlgorithmTool",
        "unresolved:com.fintech.sst", "unresolved:PHP preg_message", "unresolved:ctxdata_test Go"}


def family(group: str) -> str:
    return FAMILY.get(group, group)


def key(body: str) -> str:
    return " ".join(body.split())


def main() -> None:
    shared = json.loads(Path("/work/shared/corpus/bank-sms/bank_sms_labelled.json").read_text())
    seen = {key(r["body"]) for r in shared}
    recs = []
    for f in sorted(ROOT.glob("[A-Z]/*.json")):
        for r in json.loads(Path(f).read_text()):
            k = key(r["body"])
            if k in seen:
                continue
            seen.add(k)
            r.setdefault("medium", "app_push" if (r.get("notes") or "").startswith("[app push") else "sms")
            r["family"] = family(r["source_group"])
            recs.append(r)
    sizes: dict[str, int] = {}
    for r in recs:
        sizes[r["family"]] = sizes.get(r["family"], 0) + 1
    # the first split (2026-12-07) is frozen: a family never moves between splits; a family
    # seen later goes to test when its name's hash falls in the lower ~35 % of the range
    frozen = json.loads((Path(__file__).parent / "assignments.json").read_text())
    test: set[str] = set()
    for fam in sizes:
        if fam in frozen:
            if frozen[fam] == "test":
                test.add(fam)
        elif fam not in SEEN and int(hashlib.sha256(fam.encode()).hexdigest()[:8], 16) % 100 < 35:
            test.add(fam)
    for split in ("dev", "test"):
        rows = [r for r in recs if (r["family"] in test) == (split == "test")]
        (OUT / split).mkdir(parents=True, exist_ok=True)
        by_fam: dict[str, list] = {}
        for r in rows:
            by_fam.setdefault(r["family"], []).append(r)
        for old in (OUT / split).glob("*.json"):
            old.unlink()
        for fam, rs in sorted(by_fam.items()):
            name = re.sub(r"[^A-Za-z0-9]+", "-", fam).strip("-").lower() or "misc"
            (OUT / split / f"{name}.json").write_text(
                json.dumps(rs, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(split, len(rows), "messages,", len(by_fam), "groups")
    print("test groups:", sorted(test))


main()
