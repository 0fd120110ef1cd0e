"""Hostile and careless inputs, generated: files a newsroom archive may hold by accident or by malice, and
questions as people paste them. Used by tests/test_reliability.py (quick) and bench/soak.py (long)."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import docx

GOOD = ("测试市总工会开展职工书屋建设\n2024年3月15日\n"
        "本报讯 3月14日，测试市总工会召开职工书屋建设推进会。今年全市新建职工书屋26家，藏书达到4.2万册。\n")


def write_hostile_folder(folder: Path, bomb_bytes: int = 3_000_000, huge_chars: int = 300_000) -> dict[str, str]:
    """Write one file per kind of trouble; returns name → what should happen to it
    ("ingested", "rejected" or "skipped")."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}

    def put(name: str, data: bytes | str, outcome: str) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        expected[name] = outcome

    put("good.txt", GOOD, "ingested")
    put("empty.txt", b"", "rejected")
    put("spaces.txt", " \n\t\n", "rejected")
    put("binary.txt", bytes(range(256)) * 40, "rejected")
    put("truncated.docx", _docx_bytes()[:700], "rejected")
    put("truncated.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog", "rejected")
    put("bomb.docx", _docx_bytes(padding=bomb_bytes), "rejected")
    put("huge.txt", "职工书屋。" * (huge_chars // 5), "rejected")
    put("mixed.txt", GOOD.encode("utf-8") + "累计投入资金326万元，惠及职工5.2万人次。\n".encode("gbk"), "ingested")
    put("script.html", "<html><head><title>测试县总工会开展送温暖</title><script>alert(1)</script></head><body>"
        "<article><h1>测试县总工会开展送温暖</h1><p>2024年1月10日，测试县总工会走访慰问困难职工320户，"
        "发放慰问金64万元。<img src=x onerror=alert(2)></p></article></body></html>", "ingested")
    put("-odd name 名字 (1).md", "# 测试区总工会开展技能竞赛\n\n2024年5月，测试区总工会举办职工技能竞赛，"
        "共有412名选手参赛。\n", "ingested")
    put("x" * 120 + ".txt", GOOD.replace("测试市", "长名市"), "ingested")
    put(".hidden.txt", GOOD, "skipped")
    put("logo.gif", b"GIF89a" + b"\0" * 64, "skipped")
    put("broken.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "rejected")  # an image that does not decode
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    expected["loop"] = "skipped"
    return expected


def _docx_bytes(padding: int = 0) -> bytes:
    document = docx.Document()
    for line in GOOD.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    if padding:  # a well-formed DOCX with a huge, highly compressible entry
        with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("word/media/padding.bin", b"\0" * padding)
    return buffer.getvalue()


def hostile_questions(n: int, seed: int = 7) -> list[str]:
    """Questions as people paste them: empty, symbols only, lone surrogates, control characters, very long,
    script, SQL-ish, mixed scripts, and ordinary ones in between."""
    rng = random.Random(seed)
    fixed = ["", " ", "？？", "%", "1", "\ud800", "什邡\udfff市总工会", "\x00\x07\x1b[31m", "<script>alert(1)</script>",
             "'; DROP TABLE chunks; --", "什么是什么？", "那呢？", "問" * 20_000, "职工书屋" * 200,
             "測試市總工會新建了多少家職工書屋？", "测试市总工会新建了多少家职工书屋？"]
    alphabet = "的工会职工书屋多少家年市县区？?。,%$#@!\t\n 0123456789abcXYZ問題國" + "".join(map(chr, range(0x4E00, 0x4E40)))
    out = list(fixed)
    while len(out) < n:
        length = rng.choice([1, 3, 8, 20, 60, 600])
        out.append("".join(rng.choice(alphabet) for _ in range(length)))
    return out[:n]
