from tortoise import BaseDBAsyncClient

from codincod.moderation.models import ONE_PENDING_REPORT

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    # One pending report per reporter and target, enforced by the database: concurrent
    # duplicates give one row. Duplicates made before are closed as rejected, the first kept.
    return f"""
        UPDATE reports SET status = 'rejected'
        WHERE status = 'pending' AND id NOT IN (
            SELECT MIN(id) FROM reports WHERE status = 'pending'
            GROUP BY reported_by_id, problem_type, target_id
        );
        {ONE_PENDING_REPORT};
        """


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS reports_one_pending;
        """


MODELS_STATE = (
    "eJztXVtz2zYW/isYvawzo3psJ3Gz3Z2dsR03660vGVvpdpp0KIiEZK4pQiVIO243/30B8H"
    "4VIZE0xT0vGQfAAakPhwfnCvw5WlKDWGz/o0PmxCG2TtjoB/TnyMZLwv8o6h6jEV6t4k7R"
    "4OKZJcevMgNnzHWw7vKuObYY4U0GYbpjrlyT2rzV9ixLNFKdDzTtRdzk2ebvHtFcuiDuPX"
    "F4x+ffeLNpG+SrfEn539WDNjeJZaRe2jTEs2W75j6vZNvZPXZ+lCPF42aaTi1vacejV8/u"
    "PbWj4fxtROuC2MTBLjESP0C8X/Bzwyb/XXmD63gkekkjbjDIHHuWgGH097ln6+LXI50aps"
    "3/2TcNtm+TJ800/hG8XWK8pl3fTLS784mmjRTg06ktoDdt11/QJf6qWcReuPf8v0dvvvnP"
    "iTHyR4kH/nxye/bPk9u9ozevxAMpXz9/ba+DniPZ9U1OgV3sTyJXJF4C3SECNg27+aV4z3"
    "tcc0mKlyNNmVkWIyDdD//YZJHChniVYt6sWibxPM81rX3P1W361NpaVazN5OLq/G5ycvVR"
    "TL9k7HdLAnoyORc9R7L1OdO6d5xZx2gS9O+LyT+R+C/69eb6XOJNmbtw5BPjcZNfR+KdsO"
    "dSjf9wDRtJ0MLmsIkPjfnAWxkb8kGaEvhgt/nA3xccvp4WthceXhAVEV1MvZHIDgSyEhOE"
    "K9a6XD6uI5ePy+XycSCXY9z51rlUgjoiGB6672qA+64U23dZaGcW1R84S3qMOCwP8b/ubq"
    "6LIc4RZoWbqbvov8gymduBWJt5puWaNtsXz3sJWSaASomxEPO9q5NfsstxdnlzmpVPYoLT"
    "zOIQw3Spo7IqMcVWy9GzL6Br3OkTR0dTU8CTNF2p4Z0JnWZUbWHqzB8SmrZomGH94Qk7hp"
    "broUe0UCuXSOeX5sYmE8r/kctzwX8M5vZbwWoExuAnRnZvVb6FXBe2xs938FNkRKaYkf90"
    "/oOJ6/Pvyd3Zyfvz0bcU9GmkRdfyaJltwTbXWIzg1cSLBEDekkfKN4IJ/8ceFVjdqf5xld"
    "nt+CO5tcyH1rO8RyeIEcbEFiCpENex+I5koLlDl4jrcYj37Fl0QT331T66pU8MLShv1Ani"
    "SkJAdI8ZIl9XJtfN9keZhWjnCVv4BeSEisIpSTM44dSUvlnuB/BXjm1g/6Upu7H/XkAg7a"
    "x1t9WW1JwMlZtRgewMN6lymRmp3+CkBCelonACJ+Wuiy9wUgIf5PiA7wjybwXBnKQZnH54"
    "dFBHBB+Ui+CDrNOMLLFpqeAbEQwO3Ne10H1dAe/rPL4rzNgT5UoVN5vulVzsWcJm8O6VA/"
    "jwqI4LmI8qRVz2pRF3qKUkMMLx3eErZVQ3OtvhcR2AszI+ge9xjqEdOjctoq1M3fWcAqQn"
    "5KtbFjXKkQ4hqFG1457/Mql26UYb7uXN9YdweNbPW7wCM5Nugn5ABshvjrxFdSzfdQP4k7"
    "SwBpuvAaO6iS2lOF8BKUT6Go84OWRFHZfD7tkF5tuFXfJ9ZMkyK2Para3IQVs78UK8wXdH"
    "h2++f/Pu9fGbd3yIfMuo5fuKtbm4nmTj29hWRjVFA5BO1EJ3Canj/fGHRQqkzWlA+ONPt8"
    "QqE+xh0qacZAe19rJYXYo9mTdbmjK6tCVMd9FEQ4VKp8slEQRb4XTmzzJUkB6pu+0HFyD0"
    "M59pqCjp99jVloQxvNgaLT7VlT/TUNESyQSGtuD/2xKrD7g97/FLgyTg0RjB28ongdFHCz"
    "9vlpyyO0g1te8JvIa/94kfywUWn0nfEi8RUb7if17Fkw0RMN8wYtoSGwXeNhXAbuVMQ8eJ"
    "m6bUeiQF0fxWsOqnO6YaKm4VMo2LGW9blMQneIoHK6sETgBQBiCl5KFswUlUiFgMaZj4Ws"
    "OWTk83kI9UMdfqo0MXDl4u+bMuwzqcwmLR/LBxddFoRBAV+LSQmfV5lKweeiSO1Ht+g4St"
    "hoJ/kLAFiTqQsAV80B0fbFJLunUFac/yyNuuIA33SQWIEyQDzCJqHmJsmZgV6anlseUECc"
    "SUm48pe3Yo/mundcUkQ0izaIPlN4qE+s4VrduAaM8WA+KhHbsRVO1in6+KTOGI4yqs35i1"
    "W61E+jx6NJk5My3TfRYPS5hEfORnoWnd07D0NdkJFjFYxGAJ9dsSAosY+EDM4ZquWjlCRD"
    "BAS62Veg/mcjjCRKi62dgpoiHYB12nYScfr4B7hgyQV0feMOdzU+c/4VlFrKSpOqx14jAR"
    "Z0kME/tJeLtY85TW02t73VJUHUJuOHju7irWLl4oOd7C8eB1a9zrJmxjRzontDkhhrDNVW"
    "R9CTnIfHWZzzioEkiuhiuVXOYIOxRDL2EetAF+yg9TV/iniAaoyjflSSng8TAgqIh4Gf0Q"
    "5E0nRxhmOT4P/o/UIebC/ok8yyVo72TCfoj3tWcTpj7y4sMJKzm8AYRLcrt2i73r4l32ia"
    "eg5y+Drj9dXmYOhixh9UdsmQZ2adGJwSpBmp/DeQbE7hDOgvK+VmtnoAirs5BoLJ8KoqIp"
    "4VUeGE3LyvUH2t7YBLmEuUjHjOyj6ZQbnKbonE7RAyErJk+VpQ43E+Vf/naKFviR5M+u3X"
    "aywvxjP9QbKorBhJCB3DNNdQzxVoizQbwV+KAGH0RCPMcFpWekJEm6OyKlTW9BwwfPmPbK"
    "U4quRgSDcHx17W+knquId0wBgG9ypFhSC6yrzaVVxyHA3rGTcRWlYm7rAhvasUrjjNsrxW"
    "o17kDp7Kz/hCunwKpMO3rKzcqMZ6nlnFtx9mpBTq1IuE3hDAm3/ZEiYzAAQfFfo/irRsa7"
    "D4gPSGMS4IUfeQ7zUkMrQwW2VoGtxb8I8X4Ku0pM0eUJ5vYD/xDtbjaRhu8JZZ6uE8Y0J8"
    "hIzKifFsVlyTQZwgzec0HZFuIH+22dqVoB7vubT6eX5+jj7fnZxd1FkGEWSX3ZKZp4g+nr"
    "o7fnJ5cFFyAUHTNU7o6JCOC82qx0mGPTUgIzJgAws2C61MUFV5+UYhmNByizUBYdGKTqTy"
    "mfYhAqWtvpc+DE6gTmhPugLsgJEoAY/IQv6ifMsnIDsA48xzPx9a6HtGgTa4JzN0ry3FXE"
    "KzSB1Arcnt9Nbi/OJvUSPeVZzcTmr9hE2tkwkxjbjBWE6YwFgYJEpmN5lCCZVFnnLvVgvL"
    "jSHCNfMqK96XSFHd46nSKyXLnPrxB1eLdDVtYzcinCNhWBg5C46Ab1Rub9Yn+xOY2k5jQm"
    "Q9h6ws9+Dlswqbxx/d4h2ED3/CtgyOPc4owRo0h+A/yN4jdwyJI+Ekn/xX66p1ZEi20jeh"
    "Phs2HIdFlI9mRyBvdc9IStBzGft6p5pXtFsERGUiQaEEnpnZ41hkgKRFIglQ74oAYfuOSr"
    "UiAiHD9AI7eVq4EDZcAHSgHnLF2HYR9/0/9OjxW2XTxiwFs90qLQT6nnNyYA12/W9WvQJ1"
    "sRziQJAJoFFMrNu/GXJ02U2v7yJBEUlkNUop8uc6jfr+dpVKzfh0hES5EIX6w2AGz9mume"
    "yeHawCY3INVU8NRdadbWfvDBgZ0+8w2un325KIGErDxSECK6NlqgRavY9M1VyTKC4Fn8f1"
    "A53i8daQzubnBzrnNzKrrfune7dWaYNJxonRCMCvimqQaIMiSl7QjEFRZ2wgPemcnSN8jr"
    "2izpDxry0jrKS3uZkmAucdwrwljJVbTJ7moFng/Ulv7ILsqCZXoY5Kv0TQSDAg8K/DoFHv"
    "JVgA/CHdHGardEJmmGqAfXSVupyFrJJ60s4827LsYJkgFC/PagDsZ8VCnIsi9z4hYLNLoC"
    "LeOUUotgu0TRSBFm4J5xyrbwjlq6FVKnNzeXKfl0epE9vuDT1en57d6hhD+uVM7nXSQ0wL"
    "qcnSAZIGeDn2JHIK7wUywK90NlW3pgJy2PM7Z04jsG98Sg3RMf/EXM+SVCBi93SETnlbfs"
    "iBA3E3ryQcTm7CXsDvBCvPgeBl4IsD6rrc9l4fljFVZR9xdyzTETJ+h38+X939/CuPJmlq"
    "l3A3bDgVsxt+EFd/cxwh9tFKRCleb3l5F3l+v/14Odyfa3LPrEN4Gw0F3p7stCYrgIM7Vl"
    "NHERpg9YbmEqPTERTYdOmFAH21kfTKz81hXvMUWndxpr8pAKwtiubqYcN8fVQsVSRW1NU7"
    "6U2tq+iTsIrTSyIRUXOUkHS9zrJRZ6lr1gGl6JnP4NtqksNUQNFHYs+mQr+7STNODUhirC"
    "nsYOJJuCp3udpzv5NUMNYU9uPUn4Z++LPLNKZVzpnMWBwJ3mSgs/k22vQBYxlI9yoqHC1N"
    "gdyHCE4KbBu4DBSkJ4MftVB/K0BMM3XRmYCCaHQVAoC+yX0jOuiOftzAWSu+Lh/g817Y3i"
    "oylCCI/utpcCsusgu243IYbsOsiu6xukPc6uq74TNG/4rFHUVS8HHZ2gmEScjy0VfXGCtk"
    "EMZNryNG4kpv4BYRct+TaHqE3Qig8KxooTs8WAotO/G50bzIfhmQ+QDgj6Lui7nei7sSxW"
    "BDpHCHCDeQHmRc/ABvOiv+ZFsRhuANhBBkWy8Ob2nz7ZcIK1r/ifV4T/WN0XaBkjLjtkXG"
    "XFSV4S7doyMbyGGedbTH9hyCE6dfyLjD5Ypv5AvztCftqSsLmEgSVEABLPKDLZNp5n3bmP"
    "soIja5t9jgo7/KmheOulN9hxhbXW/6KdzrSZ5lOMZcWkH2kt4PTSaFqWDCJqRScVMO1JKU"
    "aZogFIs5DOCHM1xveHIoXborgE1TRZBta5oGsN2P22oK3A7f3Np9PLc/Tx9vzs4u4iKLSJ"
    "3C6yUzTF+bK35yeX2YKnR47FgmwAdo4S8K6Bt7y1fgO0M3SAdQ2sA5VPBeaYpEuED98e7C"
    "7IBcpEFcBFSkSr4L5+u7PYPlKRuVhcYl2BcZqsY1FxvJtQ+x++tvnhhYUTQNhot8NGDrYf"
    "FLT6cPhGCn3PbmVpWqW3MNfNpXNYML/q15WnbuDT6hniQ/pw4BBY4IPRDxCl7D5KCSG1Hc"
    "7YuyUr6rijgiBP0DOuiu04ckztiI7AQMZhBBXCM+q5IotO1vmNZe8YBZdFIOogUbmHgsOD"
    "0d506mJnQcQ1EtPpq6JAT9PTq53Wl7w1YIw+j1YO5SgtfTYfRweVyD7/Ffng2XPAE9HDIV"
    "700qJuXBEvguw+0DJA2wQ+iIoFM0K+rnDO0g1Q72w+nhzvkQpIp4gGCHPzeZ7k68ri6mJx"
    "DWw50BmyAUJ9eFALbDGsnKsPCvKYd+PQuxWxjSBUtYvSI69z10U7TzlA5m5ejvBtllqPmw"
    "GepdwI8J55Wzt2yyS4Frwz67wz+U98fd5zgku7A7hnPF0f3+wXncKXvwa6/nR5+ZI5z6e4"
    "sGA17BqvzXGe4folqnzsPprcE8THmY9EJh/vTacm0/yG6fQVMhly+YjAq6V7jiMcV5zyb8"
    "glS86v2HkW/2WIb8zItyczHrE2HvPFnk7F6aDCRJ1O0exZkC8Z4cvLarvNEt7Q6GV811g4"
    "daYLnGIvvbGDUwycIeAUAz5Yzwd8s1B2iCVpBmhdtWHOYqbmoIkpBghwK7dw+ifdb5I9lK"
    "YEgbbbAi2pk6pwQZIOssf6vMKxpZFb4nXX7cZ0cNFL/WPz+X5vb+IazNINcCuDkzt2BGLI"
    "ievymInoywdc1+GaFZJ9Sjg8IY6p348KPK1Bz7jK0YrjMW3ewqvkbSwtzigUnwWlGcESbu"
    "dr7H1hRrn/8JE4xafHVFzqGZMMcXt6+7bO/vT2bfkGJfoyddf8o1JAOBg+QHQPa7kKDitc"
    "BYd5VwF/okvsAsdn+eWdCZLur+x8Gbuwscs5c6pXl5vZt/8BrCVVAA=="
)
