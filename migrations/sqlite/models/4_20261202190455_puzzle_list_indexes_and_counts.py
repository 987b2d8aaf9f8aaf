from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    # Indexes in the list's filter and order; puzzle_counts keeps each (visibility,
    # difficulty) total exact, maintained by triggers in the same transaction as the change.
    return """
        DROP INDEX IF EXISTS "idx_puzzles_visibil_a5d20f";
        DROP INDEX IF EXISTS "idx_puzzles_author__aeb113";
        CREATE TABLE IF NOT EXISTS "puzzle_counts" (
    "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    "visibility" VARCHAR(16) NOT NULL,
    "difficulty" VARCHAR(16) NOT NULL,
    "n" INT NOT NULL,
    CONSTRAINT "uid_puzzle_coun_visibil_a44182" UNIQUE ("visibility", "difficulty")
) /* How many puzzles there are of each visibility and difficulty, kept exact by triggers */;
        CREATE INDEX "idx_puzzles_visibil_33ea8e" ON "puzzles" ("visibility", "created_at", "id");
        CREATE INDEX "idx_puzzles_author__e12ae8" ON "puzzles" ("author_id", "created_at", "id");
        CREATE INDEX "idx_puzzles_visibil_1e83ca" ON "puzzles" ("visibility", "difficulty", "created_at", "id");
        CREATE INDEX "idx_puzzles_created_d318d2" ON "puzzles" ("created_at", "id", "visibility", "author_id");
        INSERT INTO puzzle_counts (visibility, difficulty, n)
            SELECT visibility, difficulty, COUNT(*) FROM puzzles GROUP BY visibility, difficulty;
        CREATE TRIGGER puzzles_counted_insert AFTER INSERT ON puzzles BEGIN
            INSERT INTO puzzle_counts (visibility, difficulty, n)
                VALUES (NEW.visibility, NEW.difficulty, 1)
                ON CONFLICT (visibility, difficulty) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER puzzles_counted_delete AFTER DELETE ON puzzles BEGIN
            UPDATE puzzle_counts SET n = n - 1
                WHERE visibility = OLD.visibility AND difficulty = OLD.difficulty;
        END;
        CREATE TRIGGER puzzles_recounted AFTER UPDATE OF visibility, difficulty ON puzzles
            WHEN OLD.visibility IS NOT NEW.visibility OR OLD.difficulty IS NOT NEW.difficulty
        BEGIN
            UPDATE puzzle_counts SET n = n - 1
                WHERE visibility = OLD.visibility AND difficulty = OLD.difficulty;
            INSERT INTO puzzle_counts (visibility, difficulty, n)
                VALUES (NEW.visibility, NEW.difficulty, 1)
                ON CONFLICT (visibility, difficulty) DO UPDATE SET n = n + 1;
        END;"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TRIGGER IF EXISTS puzzles_counted_insert;
        DROP TRIGGER IF EXISTS puzzles_counted_delete;
        DROP TRIGGER IF EXISTS puzzles_recounted;
        DROP INDEX IF EXISTS "idx_puzzles_created_d318d2";
        DROP INDEX IF EXISTS "idx_puzzles_visibil_1e83ca";
        DROP INDEX IF EXISTS "idx_puzzles_author__e12ae8";
        DROP INDEX IF EXISTS "idx_puzzles_visibil_33ea8e";
        DROP TABLE IF EXISTS "puzzle_counts";
        CREATE INDEX "idx_puzzles_author__aeb113" ON "puzzles" ("author_id", "created_at");
        CREATE INDEX "idx_puzzles_visibil_a5d20f" ON "puzzles" ("visibility", "created_at");"""


MODELS_STATE = (
    "eJztXe1zmzga/1c0/rLpjDeTpE2217u5mSR1u7nN2yRub2fbHSyDbHPByIsgbnav//tJ4h"
    "0EQTYmwOlDOwnoEeSnh0fPu/4aLLGBLLJ/66AZcpCtIzJ4B/4a2HCJ6A+i20MwgKtVfJNd"
    "cOHU4uNXmYFT4jpQd+mtGbQIopcMRHTHXLkmtulV27MsdhHrdKBpz+NLnm3+4SHNxXPkLp"
    "BDb3z5nV42bQN94y/Jf109aDMTWUbqpU2DPZtf19ynFb92voDOBz6SPW6q6djylnY8evXk"
    "LrAdDadvw67OkY0c6CIj8Qew9wv+3PCS/670gut4KHpJI75goBn0LAbD4B8zz9bZXw90bJ"
    "g2/W/fNMi+jdaaafwzeLvEeE27vhlr96Oxpg0k4NOxzaA3bddf0CX8plnInrsL+uvRm+/+"
    "c2KM/FHsgZ9P785/Pr3bO3rzij0Q0/Xz1/Y6uHPEb33nU0AX+pPwFYmXQHcQg02Dbn4p3t"
    "M7rrlE4uVIU2aWxQhI98MfNlmk8EK8SjFvli0Te57nmta+5+o2Xu9srUrWZnxxNbofn17d"
    "sumXhPxhcUBPxyN254hffcpc3TvJrGM0Cfj3xfhnwH4Fv91cjzjemLhzhz8xHjf+bcDeCX"
    "ou1ugfrkEjCVp4ObxEh8Z84K2MDfkgTan4oNt84O8LDl1PC9pzD86RjIgWU28ksgOBLMUE"
    "4YrtXC6fVJHLJ8Vy+SSQyzHudOtcSkEdEfQP3bcVwH1biO3bLLRTC+sPlCU9ghySh/hf9z"
    "fXYohzhFnhZuou+C+wTOI2INamnmm5pk322fNeQpYxoFJiLMR87+r01+xynF/enGXlE5vg"
    "LLM4yDBd7MisSkyx1XK07AtoGne8puhocgp4kqYpNbwxoVOPqs1MndlDQtNmF6ZQf1hDx9"
    "Byd/ARFmrlHOn80tzYaIzpf3x5LugfA6n9JliNwBj8RFD3VuV7yHXh1fj5DlxHRmSKGemf"
    "Tv9g5Pr8e3p/fvp+NPiegj6NNLu1PFpmr0CbaixG8GrsRQIg79AjphvBmP5nDwRWd+r+sM"
    "zsdvyR1FqmQ6tZ3oNTQBAhbAvgVIDqWHRHMsDMwUtA9ThA7+xZeI4999U+uMNrAuaYXtQR"
    "oEpCQLSABKBvK5PqZvuDzELs5glb+AX4hJLCKUnTO+FUl75Z7AfwV45sYP+lKZux/15AIH"
    "XWuttqS6pPhvLNSCA7w02qWGZG6rdyUionpaRwUk7Krosv5aRUfJDjA7oj8J8lBHOSpnf6"
    "4dFBFRF8UCyCD7JOM7SEpiWDb0TQO3BfV0L3dQm8r/P4riAha0yVKmo2LaRc7FnCevBulQ"
    "P48KiKC5iOKkSc30sj7mBLSmCE45vDl8uoZnS2w5MqAGdlfALfkxxDO3hmWkhbmbrrOQKk"
    "x+ibWxQ1ypH2IahRtuOOfh2Xu3SjDffy5vpjODzr5xWvwNTEm6AfkCnkN0fewjrk77oB/E"
    "latQabrwHBugktqTifgFRF+mqPODlohR2Xwu7ZAvPtwi74PrJkmZUx7Z2tyMGuduI5e4Mf"
    "jw7f/PTm7euTN2/pEP6W0ZWfStbm4nqcjW9DWxrVFI2CdCwXukthTzSTEA8JvIRnAfGHX+"
    "6QVSTcE27QM2h3UHUvCthleVQgkhVA8fbl/fmnhbbE6JZP0leIiDddmjxMuSVM99FEfYVK"
    "x8slYgRb4XTuz9JXkB6xu+0HFyD0mc7UV5T0BXS1JSIEzrdGi0515c/UV7RYVoqhzelvW2"
    "L1Ee4uDPHSIDF4NILgtvKJYXRrwafNspy6g1Rd+x7Dq/97H/tjqcCiM+k1qJxX9MereLI+"
    "AuZb2ERbQkPgtpUB7I7P1HecHESw9bitwVcZq3b69fJQSSUPZQtOokJEMaBh4msFEyg9XY"
    "+wlcy1YrZyQbpVYEaXZ1xpocleJUGVjt0H4wUCdJz5iAC2EdibTEyi+Rcmk1fAJDxZlM39"
    "AwG659BVchnl34GLlvRjgM4T+5UAZBvAT9TIZKnu4jFf7cmE/qSx3I/JBEyfGPmSIPqFk4"
    "p5rF98wPzUr+hlBnTUl0E4deaWyjZT2WYNRBJUlpHKNlN8sCUfsFgJXzwJwZyk6WOCTu3p"
    "I1RyElHgvCQ/J6LoIcDHB1VyzuioQoj5vTTGxIWOG2kjMgItTakEWrcFWlInlar0SdDVwA"
    "PtNL56scKxpZFb4jOMLQTtAnsiSZdZ4ikl3NWXHZoazS7r2c3NZWpFzy6yiUafrs5GdCfj"
    "S0kHmX6JqTAHgzn+p0+SVYtZuh5uZXUZbOn0f0mcEyQK4qq162nE83B/wA4y5/Yv6GnHBe"
    "nt2BmeLUlPMJm4Il0oMRSuz+GaFZIVyv0bK2u9dfDcgcsl/Tsvw5ZHwr58+WHD8v58EUHU"
    "S2kHRbBfBslGTY/I4ZHB31VtbKsk81B5K5XKr7yVig8q8MEmbfu2btZXYcW73zwlkTkY7J"
    "MSECdIemiA1A8xtExIRCkBxWU8CRJVvpMSV7WU73h2KP4re+hjkj5UtO2C5TcqOvHTj7Rm"
    "SwZathiqYqDhjC1Zu9jnK5EpHHFcifUbs/ZOmz59GTyaxJyalulyP0zaJKL2Ks/hSY8xzN"
    "nM1OkKlVBQDW2BQ1+QeEjuKv0//aB4EpUupAxwZXgN2m14KQNc8QGbwzVduUYzEUEPDcOd"
    "dPIhLoUjrEys2mcjRdQHc6TpBhvJx0vgniFTyMsjn9Y4q4qVNFWDXawoTMhZIsMMUoW6mI"
    "6Y1sQrO/lSVA1Cbjhw5nYVaxfOpfx84Xjl5KvdycdMcYf7QrQZQgZzBcjI+gJyJfPlZT6h"
    "oHIgqRou1UwvR9igGHoJ82AX4KfcN1WFf4qoh6p8/Xl8EauG8UdJxIvo+yBvGk7w85k3D7"
    "5KRUunoqU+8ueT/HIcWgPCBalk3WLvqngXfeIp6OnLgOtPl5dlOYAJ1R5apgFdLDoLTiYm"
    "9Dmcp0fsrqJnqt/WTpvZqK5IDUdgz3mTz8Iw7HnYA/S5WKzfLbRiQ4if8RrQ93oCQRyXtV"
    "RwEID0H54BBPUFiF0lANoGiJ1VQ/CAVi5A3+gTeDcGx5zPgwOAUu0gdvGQrzY17SeTYMbJ"
    "BOwR5J9xtjTnvmVLXg0BwQByR8MP9KnYhRbrOkGvYPzgrYBJVxlBg70FBBy2oj4SJaHlrV"
    "KwC9u+CvVjQb/XYCveLv67S+24lha6xTHdbrn/movm1O7765Zru8NAC5JVC6WEaANWTaFf"
    "8vC82NYQ7OQpQ6R4H0/bPc9v4jc23fkQcYEOCdpnuyImJrtJt8UHhFZ+nyXsGMjhP/mmMZ"
    "jDR5Q/YXTbyYSbZ6CZBJtaMKEqXmqZ16lsn1W5U1sbFb3ImVG5U4oP2ByREK+urCRJmtNZ"
    "Wm/bJLY5e+VJZUpFBL1QrJuOHWLPlcQ7plCAb3LwU1ILrKrNpVXHPsDecMBwFVVxbBvO6t"
    "uZJcNMCCvFam1qXZEIywisynTQptiszESJdlyuk2ixkrAAeEFNCufkTWUAKgNQKf7tVvxl"
    "s9yaT27rkcbEwAs/8hzmhYZWhkrZWgJbi34R7P0kdpWYoslzpu0H+iHazWwiVQqAist/8s"
    "U/nq4jQjRH2MD0g4VhUWJshjCD94xR7izEsb+rIEcJuO9vPp1djsDt3ej84v4iyBaPpD6/"
    "yS7FbS3vRqeXgmPqRSedFLtjIgIVQMpKhxk0LSkwYwIFZhZMnnchgWU0XkGZhVLUa1DWn1"
    "I8RS9UtF2nwisnViMwq87Byk/YNOA1+gmzrFwDrD2v15BqySzaxOrg3I0KNrqKeIkmkFqB"
    "u9H9+O7ifFytaIMfhIps+op1pJD3syBhl7GCsDRBEChIVC0URwmSBRJVDhQMxgNsAxgkeL"
    "OT/laQneY3mQC0XLlPrwB26G0Hrawn4GIAbcwCByFxPgutpnm/2uzQQJ+a0rDcb2sNn/wc"
    "tmBS9qO7cFge+IJ+BQR4lFscnjrOvwH6RvEbOGiJH/0M9q/2eoGtiJalrYdvwnw2BJguCc"
    "nWJmVwzwVraD2w+bxV5QMLC4MlPJLC0VCRlNbpWUMVSVGRFJVKp/igAh+46JtUICIc30Mj"
    "9/VRlcP06KhC8cvvZYNoXBnwgZLAOUvXYNjH3/R/1GOFrYuVLN7qEYtCP4We35hAuX6zrl"
    "8Dr21JOJMkCtAsoKp1TDP+8qSJUtlfniRSTWJUVKKdLnPVi6eap1GyF4+KROwoEuGL1RqA"
    "rd7/pGVyuDKwyQ1INhU8mWW2srb2g/cO7BRPMgW1HoA+B6puT771JqIEHLLiSEGI6LPRAi"
    "1axboPvUyWEQTPCo/ZUJXjrdGRhsrdrdycz7k5Jd1vzbvdGjNMak60TghGCXzTVD1EWSWl"
    "dQTiEgs74QFvzGRpG+RVbZb0B63y0hrKS3uZkmAqcdwrREjBKfbJ2+UKPB2oLf2RTZQF8/"
    "Qwla/SNhGsFHilwD+nwKt8FcUH4Y5oQ7kDppM0fdSDq6StlGSt5JNWlvHmXRXjBEkPIT4+"
    "qIIxHVUIMr+X6bhFAo1OoGWcYWwhaBcoGinCDNxTSrkrvKMrzQqps5uby5R8OrvIti/4dH"
    "U2uts75PDHlcr5vIuEBliVsxMkPeRs5afoCMQlfoq5cD+UtqV7dmrCMGNLJ75j5Z7otXvi"
    "o7+IOb9EyODFDono7JEdOyLYKcMefxCyKXsxu0N5IV58D1NeCGV9llufS2H/sRKrqPnDNW"
    "eQsA76zXx5//cnKq+8qWXqzYBdc+CWzW14wTm8BNFHG4JUqML8/iLy5nL9/3bQmWx/y8Jr"
    "ugmEhe5S51gLidWh1qkto45DrX3AcgtT6omJaBp0woQ6WGd9MLHyW1W8xxQNinbT1niTCk"
    "RIVzdTipvjaqFiKaO2pilfSm3dvYnbC600siElFzlJp5a41UvM9Cx7TjS4Yjn9G2xTWWoV"
    "NZDYsfDalvZpJ2mUU1tVEbY0dsDZVHm6n/N0J79mVUPYklNPEv7ZhcgzK1XGlc5Z7Ancaa"
    "604FNwQvbmOLEYyi2fqK8wZU6q2Q4q1UJwk+BdwGAFIbyY/coDeVqC4euuDEwEk8MgqCoL"
    "bJfSMyyJ53XmAMmueLj/g017o/hoilCFR7vtpVDZdSq7rpsQq+w6lV3XNkhbnF1XfiZo3v"
    "B5RlGXPRx0cApiEtYfmyv6rIO2gQxg2rwbN2BTvwPQBUu6zQFsI7Cig4KxrGM2GyDq/l3r"
    "3Mp86J/5oNIBlb6r9N1G9N1YFksCnSNUcCvzQpkXLQNbmRftNS/EYrgGYHsZFMnCm9t/2m"
    "TDMda+oj9eIfrH6r5Ayxhx2SHDMiuO8xK7ri0TwyuYcb7F9AMBDtKx4x9k9NEy9Qf84xHw"
    "05aYzcUMLCYCAHuGyGTbeJ7n+j7yCo6sbfYlKuzwp1bFWy+9wQ5LrLX2F+00ps3Un2LMKy"
    "b9SKuA0wujaVkyFVETdSog2loqRpmiUZBmIZ0i4mqE7g8ihdvCsADVNFkG1hmj2xmw+7uC"
    "tgS39zefzi5H4PZudH5xfxEU2kRuF36TXYrzZe9Gp5fZgqdHisUcbQB2jlLhXQFvfmr9Bm"
    "hn6BTWFbAOVD4ZmGOSJhE+PD7oLsgCZaIMYJESsVNwXx93FttHzDIXxSXWJRinyRoWFSfd"
    "hNr/8LXNmxcKJ1Bho26HjRxoP0ho9eHwjRT6lp3KUrdKb0Gqm3PnMGN+2a8rT13Dp9UyxP"
    "v04agmsIoPBu9UlLL5KKUKqXU4Y+8OrbDjDgRBnuDOsCy24/AxlSM6DAMeh2FUAE6x57Is"
    "Ol7nN+R3hyA4LAJgB7DKPRA0DwZ7k4kLnTlix0hMJq9EgZ66p5fr1pc8NWAIvgxWDqYoLX"
    "02H0aNSvg9/xXp4OlTwBPRw1W86KVF3bAkXqSy+5SWobRNxQdRsWBGyFcVzlm6Huqd9ceT"
    "4z1SAukUUQ9hrj/PE31bWVRdFNfAFgOdIesh1IcHlcBmw4q5+kCQx9yNpncrZBtBqKqL0i"
    "Ovc1dFO0/ZQ+auX47QbRZbj5sBnqXcCPCWeVsbdsskuFZ5Z57zzuQ/8efznhNc2hzALePp"
    "6vhmv+gUvvQ1wPWny8uX8oKdIsfUFwOBFyy4MyzzgsF4zC6PhpDyCxVGDIXyVBAvDFZxO6"
    "9Q66OFxZ6eR+SISxpKOs3HJH1UEI6Pq+xYx8fFWxa7l0kGpB+VBMLB8B6ie1jpFLnDklPk"
    "DvOnyNEnusJDqos7yidImu8j/zKh7to6xueUsSY3s+//A3wT/0U="
)
