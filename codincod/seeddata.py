"""The demo puzzles of ``codincod seed``: small classics, each with a statement, a reference
solution in Python and a reference function that makes its validators (so the expected
outputs are right by construction, and the solution is checked against them on the runner).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class DemoPuzzle:
    title: str
    difficulty: str
    statement: str
    constraints: str
    solution: str
    inputs: tuple[str, ...]
    answer: Callable[[str], str]
    tags: tuple[str, ...] = ()

    def validators(self) -> list[tuple[str, str]]:
        return [(given, self.answer(given)) for given in self.inputs]


def _numbers(text: str) -> list[int]:
    return [int(word) for word in text.split()]


def _roman(n: int) -> str:
    values = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC")]
    values += [(50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = []
    for value, letters in values:
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def _balanced(text: str) -> str:
    pairs, stack = {")": "(", "]": "[", "}": "{"}, []
    for char in text:
        if char in "([{":
            stack.append(char)
        elif char in pairs and (not stack or stack.pop() != pairs[char]):
            return "NO"
    return "NO" if stack else "YES"


def _fib(n: int) -> int:
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def _is_prime(n: int) -> bool:
    return n > 1 and all(n % d for d in range(2, math.isqrt(n) + 1))


def _most_common(text: str) -> str:
    counts = Counter(text.split())
    best = max(counts.values())
    return min(word for word, n in counts.items() if n == best)


def _fizzbuzz(n: int) -> str:
    words = []
    for i in range(1, n + 1):
        words.append(
            "FizzBuzz"
            if i % 15 == 0
            else "Fizz"
            if i % 3 == 0
            else "Buzz"
            if i % 5 == 0
            else str(i)
        )
    return "\n".join(words)


PUZZLES: tuple[DemoPuzzle, ...] = (
    DemoPuzzle(
        "Add them up",
        "beginner",
        "Read two integers on one line and print their sum.",
        "-10^9 <= a, b <= 10^9",
        "a, b = map(int, input().split())\nprint(a + b)",
        (
            "1 2",
            "0 0",
            "-5 5",
            "100 200",
            "-7 -8",
            "999999999 1",
            "3 4",
            "12 -30",
            "42 0",
            "-1 1000",
        ),
        lambda text: str(sum(_numbers(text))),
        ("math",),
    ),
    DemoPuzzle(
        "Backwards",
        "beginner",
        "Read a line and print it reversed.",
        "1 <= length <= 1000",
        "print(input()[::-1])",
        (
            "abc",
            "racecar",
            "hello world",
            "a",
            "12345",
            "CodinCod",
            "ab",
            "xyz zyx",
            "Go!",
            "tacocat",
        ),
        lambda text: text[::-1],
        ("strings",),
    ),
    DemoPuzzle(
        "Count the vowels",
        "beginner",
        "Read a line and print how many of its letters are vowels (a, e, i, o, u, either case).",
        "1 <= length <= 1000",
        "print(sum(c in 'aeiouAEIOU' for c in input()))",
        ("hello", "AEIOU", "rhythm", "Programming", "a", "queue", "xyz", "Open Air", "bcd", "IoU"),
        lambda text: str(sum(c in "aeiouAEIOU" for c in text)),
        ("strings",),
    ),
    DemoPuzzle(
        "The largest",
        "beginner",
        "Read integers on one line and print the largest.",
        "1 to 100 integers, each -10^6 to 10^6",
        "print(max(map(int, input().split())))",
        (
            "1 2 3",
            "5",
            "-1 -2 -3",
            "7 7 7",
            "0 -1",
            "10 9 8 100",
            "3 1 2",
            "-5 0 5",
            "42 41",
            "1 1000 1",
        ),
        lambda text: str(max(_numbers(text))),
        ("arrays",),
    ),
    DemoPuzzle(
        "FizzBuzz",
        "beginner",
        "Read n and print the numbers 1 to n, one per line, but Fizz for multiples of 3, Buzz "
        "for multiples of 5 and FizzBuzz for multiples of both.",
        "1 <= n <= 100",
        "n = int(input())\nfor i in range(1, n + 1):\n    print('FizzBuzz' if i % 15 == 0 else "
        "'Fizz' if i % 3 == 0 else 'Buzz' if i % 5 == 0 else i)",
        ("1", "3", "5", "15", "16", "2", "10", "30", "7", "20"),
        lambda text: _fizzbuzz(int(text)),
        ("classics",),
    ),
    DemoPuzzle(
        "Factorial",
        "intermediate",
        "Read n and print n! (the product of 1 to n; 0! is 1).",
        "0 <= n <= 50",
        "import math\nprint(math.factorial(int(input())))",
        ("0", "1", "2", "5", "10", "12", "20", "25", "30", "50"),
        lambda text: str(math.factorial(int(text))),
        ("math",),
    ),
    DemoPuzzle(
        "Fibonacci",
        "intermediate",
        "Read n and print the n-th Fibonacci number (F0 = 0, F1 = 1).",
        "0 <= n <= 90",
        "a, b = 0, 1\nfor _ in range(int(input())):\n    a, b = b, a + b\nprint(a)",
        ("0", "1", "2", "3", "10", "20", "30", "50", "75", "90"),
        lambda text: str(_fib(int(text))),
        ("math", "classics"),
    ),
    DemoPuzzle(
        "Greatest common divisor",
        "intermediate",
        "Read two positive integers and print their greatest common divisor.",
        "1 <= a, b <= 10^12",
        "import math\na, b = map(int, input().split())\nprint(math.gcd(a, b))",
        (
            "12 18",
            "7 13",
            "100 10",
            "1 1",
            "270 192",
            "17 17",
            "1000000007 3",
            "48 180",
            "81 27",
            "2 4",
        ),
        lambda text: str(math.gcd(*_numbers(text))),
        ("math",),
    ),
    DemoPuzzle(
        "Prime or not",
        "intermediate",
        "Read n and print YES if it is prime, NO otherwise.",
        "1 <= n <= 10^9",
        "import math\nn = int(input())\nprint('YES' if n > 1 and all(n % d for d in "
        "range(2, math.isqrt(n) + 1)) else 'NO')",
        ("1", "2", "3", "4", "17", "25", "97", "100", "7919", "1000000007"),
        lambda text: "YES" if _is_prime(int(text)) else "NO",
        ("math",),
    ),
    DemoPuzzle(
        "Sorted",
        "advanced",
        "Read integers on one line and print them sorted, smallest first, on one line.",
        "1 to 1000 integers",
        "print(*sorted(map(int, input().split())))",
        (
            "3 1 2",
            "5",
            "-1 -3 -2",
            "2 2 1",
            "10 9 8 7",
            "0 0 0",
            "1 100 10",
            "-5 5 0",
            "4 3 2 1 0",
            "9 1",
        ),
        lambda text: " ".join(map(str, sorted(_numbers(text)))),
        ("arrays", "sorting"),
    ),
    DemoPuzzle(
        "The most common word",
        "advanced",
        "Read a line of words and print the one that appears most often (the alphabetically "
        "first of a tie).",
        "1 to 1000 lower-case words",
        "from collections import Counter\nc = Counter(input().split())\nbest = max(c.values())\n"
        "print(min(w for w, n in c.items() if n == best))",
        (
            "a b a",
            "x",
            "b a",
            "the cat the dog",
            "z z y y",
            "one two three two",
            "q q q r",
            "m n o",
            "apple pear apple pear plum",
            "k",
        ),
        _most_common,
        ("strings",),
    ),
    DemoPuzzle(
        "Balanced brackets",
        "expert",
        "Read a line of brackets ()[]{} and print YES if every bracket is closed in order, NO "
        "otherwise.",
        "1 <= length <= 10^4",
        "pairs = {')': '(', ']': '[', '}': '{'}\nstack = []\nok = True\nfor ch in input():\n"
        "    if ch in '([{':\n        stack.append(ch)\n    elif ch in pairs:\n"
        "        if not stack or stack.pop() != pairs[ch]:\n            ok = False\n"
        "            break\nprint('YES' if ok and not stack else 'NO')",
        ("()", "([])", "(]", "((", "{[()]}", ")(", "[]{}()", "[(])", "{{}}", "("),
        _balanced,
        ("stacks",),
    ),
    DemoPuzzle(
        "Roman numerals",
        "expert",
        "Read n and print it in Roman numerals.",
        "1 <= n <= 3999",
        "n = int(input())\nout = ''\nfor v, s in [(1000, 'M'), (900, 'CM'), (500, 'D'), "
        "(400, 'CD'), (100, 'C'), (90, 'XC'), (50, 'L'), (40, 'XL'), (10, 'X'), (9, 'IX'), "
        "(5, 'V'), (4, 'IV'), (1, 'I')]:\n    while n >= v:\n        out += s\n        n -= v\n"
        "print(out)",
        ("1", "4", "9", "14", "40", "90", "400", "1994", "2024", "3999"),
        lambda text: _roman(int(text)),
        ("classics",),
    ),
)

# Waiting for a moderator's review: the console's queue has something to show.
PENDING = DemoPuzzle(
    "Even or odd",
    "beginner",
    "Read n and print EVEN or ODD.",
    "-10^9 <= n <= 10^9",
    "print('EVEN' if int(input()) % 2 == 0 else 'ODD')",
    ("0", "1", "2", "-3", "10", "7", "100", "99", "-8", "5"),
    lambda text: "EVEN" if int(text) % 2 == 0 else "ODD",
    ("math",),
)
