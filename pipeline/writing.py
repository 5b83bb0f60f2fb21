"""Writing systems: which characters are Han (Chinese), said once for every stage.

Unicode's Han script: the CJK Unified Ideographs and Extension A, the compatibility
block, the supplementary planes' extensions (B onwards: rare names and places), and 〇
(the ideographic zero of 二〇二五年).
"""
from __future__ import annotations

import re

HAN_RANGE = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"  # inside [...]
HAN = re.compile(f"[{HAN_RANGE}]")          # one Han character
HAN_WORD = re.compile(f"^[{HAN_RANGE}]+$")  # a word of Han characters only
