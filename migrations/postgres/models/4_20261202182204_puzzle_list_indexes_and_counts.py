from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    # Indexes in the list's filter and order; puzzle_counts keeps each (visibility,
    # difficulty) total exact, maintained by triggers in the same transaction as the change.
    return """
        DROP INDEX IF EXISTS "idx_puzzles_visibil_a5d20f";
        DROP INDEX IF EXISTS "idx_puzzles_author__aeb113";
        CREATE TABLE IF NOT EXISTS "puzzle_counts" (
    "id" SERIAL NOT NULL PRIMARY KEY,
    "visibility" VARCHAR(16) NOT NULL,
    "difficulty" VARCHAR(16) NOT NULL,
    "n" INT NOT NULL,
    CONSTRAINT "uid_puzzle_coun_visibil_a44182" UNIQUE ("visibility", "difficulty")
);
COMMENT ON TABLE "puzzle_counts" IS 'How many puzzles there are of each visibility and difficulty, kept exact by triggers';
        CREATE INDEX IF NOT EXISTS "idx_puzzles_visibil_1e83ca" ON "puzzles" ("visibility", "difficulty", "created_at", "id");
        CREATE INDEX IF NOT EXISTS "idx_puzzles_created_957c11" ON "puzzles" ("created_at", "id");
        CREATE INDEX IF NOT EXISTS "idx_puzzles_visibil_33ea8e" ON "puzzles" ("visibility", "created_at", "id");
        CREATE INDEX IF NOT EXISTS "idx_puzzles_author__e12ae8" ON "puzzles" ("author_id", "created_at", "id");
        INSERT INTO puzzle_counts (visibility, difficulty, n)
            SELECT visibility, difficulty, COUNT(*) FROM puzzles GROUP BY visibility, difficulty;
        CREATE OR REPLACE FUNCTION codincod_count_puzzles() RETURNS trigger AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                UPDATE puzzle_counts SET n = n - 1
                    WHERE visibility = OLD.visibility AND difficulty = OLD.difficulty;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO puzzle_counts (visibility, difficulty, n)
                    VALUES (NEW.visibility, NEW.difficulty, 1)
                    ON CONFLICT (visibility, difficulty) DO UPDATE SET n = puzzle_counts.n + 1;
            END IF;
            RETURN NULL;
        END
        $$ LANGUAGE plpgsql;
        CREATE TRIGGER puzzles_counted AFTER INSERT OR DELETE ON puzzles
            FOR EACH ROW EXECUTE FUNCTION codincod_count_puzzles();
        CREATE TRIGGER puzzles_recounted AFTER UPDATE OF visibility, difficulty ON puzzles
            FOR EACH ROW
            WHEN (OLD.visibility IS DISTINCT FROM NEW.visibility
                  OR OLD.difficulty IS DISTINCT FROM NEW.difficulty)
            EXECUTE FUNCTION codincod_count_puzzles();"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TRIGGER IF EXISTS puzzles_counted ON puzzles;
        DROP TRIGGER IF EXISTS puzzles_recounted ON puzzles;
        DROP FUNCTION IF EXISTS codincod_count_puzzles();
        DROP INDEX IF EXISTS "idx_puzzles_author__e12ae8";
        DROP INDEX IF EXISTS "idx_puzzles_visibil_33ea8e";
        DROP INDEX IF EXISTS "idx_puzzles_created_957c11";
        DROP INDEX IF EXISTS "idx_puzzles_visibil_1e83ca";
        DROP TABLE IF EXISTS "puzzle_counts";
        CREATE INDEX IF NOT EXISTS "idx_puzzles_author__aeb113" ON "puzzles" ("author_id", "created_at");
        CREATE INDEX IF NOT EXISTS "idx_puzzles_visibil_a5d20f" ON "puzzles" ("visibility", "created_at");"""


MODELS_STATE = (
    "eJztXVtz2zYW/isYvdSZUT22E7vZ7M7O2I6Seuvb2Eq206RDQSQkcU0RKkFacbv57wuAdx"
    "KkCYmiSS4e2nFIHJD6cHhw7vhrsMQGssj+rYNmyEG2jsjgHfhrYMMlon+Ibg/BAK5W8U12"
    "wYVTi49fZQZOietA3aW3ZtAiiF4yENEdc+Wa2KZXbc+y2EWs04GmPY8vebb5h4c0F8+Ru0"
    "AOvfHld3rZtA30jb8k/+fqQZuZyDJSL20a7Nn8uuY+rfi18wV0PvCR7HFTTceWt7Tj0asn"
    "d4HtaDh9G3Z1jmzkQBcZiR/A3i/4ueEl/13pBdfxUPSSRnzBQDPoWQyGwT9mnq2zXw90bJ"
    "g2/d++aZB9G6010/hn8HaJ8Zp2fTPW7kdjTRtIwKdjm0Fv2q6/oEv4TbOQPXcX9J9Hb777"
    "z4kx8kexB34+vTv/+fRu7+jNK/ZATNfPX9vr4M4Rv/WdTwFd6E/CVyReAt1BDDYNuvmleE"
    "/vuOYSiZcjTZlZFiMg3Q//2GSRwgvxKsW8WbZM7Hmea1r7nqvbeL2ztSpZm/HF1eh+fHp1"
    "y6ZfEvKHxQE9HY/YnSN+9Slzde8ks47RJODfF+OfAfsn+O3mesTxxsSdO/yJ8bjxbwP2Tt"
    "BzsUZ/uAaNJGjh5fASHRrzgbcyNuSDNKXig27zgb8vOHQ9LWjPPThHMiJaTL2RyA4EshQT"
    "hCu2c7l8UkUunxTL5ZNALse4061zKQV1RNA/dN9WAPdtIbZvs9BOLaw/UJb0CHJIHuJ/3d"
    "9ciyHOEWaFm6m74L/AMonbgFibeqblmjbZZ897CVnGgEqJsRDzvavTX7PLcX55c5aVT2yC"
    "s8ziIMN0sSOzKjHFVsvRsi+gadzxmqKjySngSZqm1PDGhE49qjYzdWYPCU2bXZhC/WENHU"
    "PL3cFHWKiVc6TzS3NjozGm/+PLc0F/DKT2m2A1AmPwE0HdW5XvIdeFV+PnO3AdGZEpZqQ/"
    "nf5g5Pr8e3p/fvp+NPiegj6NNLu1PFpmr0CbaixG8GrsRQIg79AjphvBmP7PHgis7tT9YZ"
    "nZ7fgjqbVMh1azvAengCBC2BbAqQDVseiOZICZg5eA6nGA3tmz8Bx77qt9cIfXBMwxvagj"
    "QJWEgGgBCUDfVibVzfYHmYXYzRO28AvwCSWFU5Kmd8KpLn2z2A/grxzZwP5LUzZj/72AQO"
    "qsdbfVllSfDOWbkUB2hptUscyM1G/lpFROSknhpJyUXRdfykmp+CDHB3RH4H9LCOYkTe/0"
    "w6ODKiL4oFgEH2SdZmgJTUsG34igd+C+roTu6xJ4X+fxXUFC1pgqVdRsWki52LOE9eDdKg"
    "fw4VEVFzAdVYg4v5dG3MGWlMAIxzeHL5dRzehshydVAM7K+AS+JzmGdvDMtJC2MnXXcwRI"
    "j9E3tyhqlCPtQ1CjbMcd/Toud+lGG+7lzfXHcHjWzytegamJN0E/IFPIb468hXXI33UD+J"
    "O0ag02XwOCdRNaUnE+AamK9NUecXLQCjsuhd2zBebbhV3wfWTJMitj2jtbkYNd7cRz9gY/"
    "Hh2++enN29cnb97SIfwtoys/lazNxfU4G9+GtjSqKRoF6VgudJfCnmgmIR4SeAnPAuIPv9"
    "whq0i4J9ygZ9DuoOpeFLDL8qhAJCuA4u3L+/NPC22J0S2fpK8QEW+6NHmYckuY7qOJ+gqV"
    "jpdLxAi2wuncn6WvID1id9sPLkDoM52pryjpC+hqS0QInG+NFp3qyp+pr2ixrBRDm9N/bY"
    "nVR7i7MMRLg8Tg0QiC28onhtGtBZ82y3LqDlJ17XsMr/7vfezHUoFFZ9JrUDmv6J9X8WR9"
    "BMy3sIm2hIbAbSsD2B2fqe84OYhg63Fbg68yVu306+WhkkoeyhacRIWIYkDDxNcKJlB6uh"
    "5hK5lrxWzlgnSrwIwuz7jSQpO9SoIqHbsPxgsE6DjzEQFsI7A3mZhE8y9MJq+ASXiyKJv7"
    "BwJ0z6Gr5DLKvwMXLenHAJ0n9k8CkG0AP1Ejk6W6i8d8tScT+pfGcj8mEzB9YuRLgugXTi"
    "rmsX7xAfNTv6KXGdBRXwbh1JlbKttMZZs1EElQWUYq20zxwZZ8wGIlfPEkBHOSpo8JOrWn"
    "j1DJSUSB85L8nIiihwAfH1TJOaOjCiHm99IYExc6bqSNyAi0NKUSaN0WaEmdVKrSJ0FXAw"
    "+00/jqxQrHlkZuic8wthC0C+yJJF1miaeUcFdfdmhqNLusZzc3l6kVPbvIJhp9ujob0Z2M"
    "LyUdZPolpsIcDOb4nz5JVi1m6Xq4ldVlsKXT/yVxTpAoiKvWrqcRz8P9ATvInNu/oKcdF6"
    "S3Y2d4tiQ9wWTiinShxFC4PodrVkhWKPdvrKz11sFzBy6X9Hdehi2PhH358sOG5f35IoKo"
    "l9IOimC/DJKNmh6RwyODv6va2FZJ5qHyViqVX3krFR9U4INN2vZt3ayvwop3v3lKInMw2C"
    "clIE6Q9NAAqR9iaJmQiFICist4EiSqfCclrmop3/HsUPxX9tDHJH2oaNsFy29UdOKnH2nN"
    "lgy0bDFUxUDDGVuydrHPVyJTOOK4Eus3Zu2dNn36Mng0iTk1LdPlfpi0SUTtVZ7Dkx5jmL"
    "OZqdMVKqGgGtoCh74g8ZD8VWVlKytbWVfttq6Ula34gM3hmq5cN5mIoIfW307a9RCXwhGW"
    "H1ZtppEi6oPN0XQXjeTjJXDPkCnk5ZFPq5VVxUqaqsFWVRQm5CyRYQb5QF3MOUzr9ZU9eS"
    "mqBiE3HDhzu4q1C+dSzrxwvPLk1e7JY/a2wx0e2gwhg9n7MrK+gFzJfHmZTyioHEiqhkt1"
    "zMsRNiiGXsI82AX4KR9NVeGfIuqhKl9/sl7EqmGQURLxIvo+yJuGs/h85s2Dr/LN0vlmqY"
    "/8+Uy+HIfWgHBBvli32Lsq3kWfeAp6+jLg+tPlZVmiX0K1h5ZpQBeLDnyTCfx8DufpEbur"
    "EJlqqrXTjjWq9VHDYdZz3smzMNZ6Hjb6fC7g6rcErdj14We8BvS9nkAQrGV9ExwEIP0Pzw"
    "CC+gLErhIAbQPEzqoheEArF6Bv9Am85YJjzufBKT+png+7eMhXm5r2k0kw42QC9gjyDzJb"
    "mnPfsiWvhoBgALmj4Qf6VOxCi7WWoFcwfvBWwKSrjKDB3gICDltRs4iS+PFWedaFvV2F+r"
    "GgqWuwFW8X/92ldlxLn9zimG633H/NRXNq9/11y7XdYaAFGamFUkK0AavOzy95Ql5sawh2"
    "8pQhUryPp+2e5zfxG5vufIi4QIcE7bNdEROT3aTb4gNCK7+ZEnYM5PC/fNMYzOEjyh8juu"
    "1kws0z0EyCTS2YUFUotczrVLbPqtyprY2KXuTMqNwpxQdsjkiIV1dWkiTN6Sytt20S25y9"
    "8qQypSKCXijWTccOsedK4h1TKMA3Od0pqQVW1ebSqmMfYG84YLiKSjW2DWf17WCSYSaElW"
    "K1NvWnSIRlBFZlOmhTbFZmokQ7rslJ9FFJWAC8aiaFc/KmMgCVAagU/3Yr/rJZbs0nt/VI"
    "Y2LghR95DvNCQytDpWwtga1Fvwj2fhK7SkzR5GHS9gP9EO1mNpEqBUDF5T/54h9P1xEhmi"
    "PsUvrBwrAoMTZDmMF7xih3FuLY31WQowTc9zefzi5H4PZudH5xfxFki0dSn99kl+LelXej"
    "00vBWfSi40yK3TERgQogZaXDDJqWFJgxgQIzCybPu5DAMhqvoMxCKWooKOtPKZ6iFyrarl"
    "PhlROrEZhVe2DlJ2wa8Br9hFlWrgHWntdrSPVdFm1idXDuRgUbXUW8RBNIrcDd6H58d3E+"
    "rla0wU87RTZ9xTpSyPtZkLDLWEFYmiAIFCSqFoqjBMkCiSqnBgbjAbYBDBK82XF+K8iO7J"
    "tMAFqu3KdXADv0toNW1hNwMYA2ZoGDkDifhVbTvF9tdjKgT01pWO63tYZPfg5bMCn70104"
    "LA98Qb8CAjzKLQ5PHeffAH2j+A0ctMSPfgb7V3u9wFZEy9LWwzdhPhsCTJeEZGuTMrjngj"
    "W0Hth83qryqYSFwRIeSeFoqEhK6/SsoYqkqEiKSqVTfFCBD1z0TSoQEY7voZH7+qjKiXl0"
    "VKH45feyQTSuDPhASeCcpWsw7ONv+j/qscLWxUoWb/WIRaGfQs9vTKBcv1nXr4HXtiScSR"
    "IFaBZQ1TqmGX950kSp7C9PEqkmMSoq0U6XuerFU83TKNmLR0UidhSJ8MVqDcBW73/SMjlc"
    "GdjkBiSbCp7MMltZW/vBewd2iieZgloPQJ8DVbcn33oTUQIOWXGkIET02WiBFq1i3SdbJs"
    "sIgmeFx2yoyvHW6EhD5e5Wbs7n3JyS7rfm3W6NGSY1J1onBKMEvmmqHqKsktI6AnGJhZ3w"
    "gDdmsrQN8qo2S/qDVnlpDeWlvUxJMJU47hUipOCo+uTtcgWeDtSW/sgmyoJ5epjKV2mbCF"
    "YKvFLgn1PgVb6K4oNwR7Sh3CnSSZo+6sFV0lZKslbySSvLePOuinGCpIcQHx9UwZiOKgSZ"
    "38t03CKBRifQMs4wthC0CxSNFGEG7iml3BXe0ZVmhdTZzc1lSj6dXWTbF3y6Ohvd7R1y+O"
    "NK5XzeRUIDrMrZCZIecrbyU3QE4hI/xVy4H0rb0j07NWGYsaUT37FyT/TaPfHRX8ScXyJk"
    "8GKHRHT2yI4dEeyUYY8/CNmUvZjdobwQL76HKS+Esj7Lrc+lsP9YiVXU/OGaM0hYB/1mvr"
    "z/+xOVV97UMvVmwK45cMvmNrzgHF6C6KMNQSpUYX5/EXlzuf5/O+hMtr9l4TXdBMJCd6lz"
    "rIXE6lDr1JZRx6HWPmC5hSn1xEQ0DTphQh2ssz6YWPmtKt5jigZFu2lrvEkFIqSrmynFzX"
    "G1ULGUUVvTlC+ltu7exO2FVhrZkJKLnKRTS9zqJWZ6lj0nGlyxnP4NtqkstYoaSOxYeG1L"
    "+7STNMqpraoIWxo74GyqPN3PebqTX7OqIWzJqScJ/+xC5JmVKuNK5yz2BO40V1rwKTghe3"
    "OcWAzllk/UV5gyJ9VsB5VqIbhJ8C5gsIIQXsx+5YE8LcHwdVcGJoLJYRBUlQW2S+kZlsTz"
    "OnOAZFc83P/Bpr1RfDRFqMKj3fZSqOw6lV3XTYhVdp3KrmsbpC3Oris/EzRv+DyjqMseDj"
    "o4BTEJ64/NFX3WQdtABjBt3o0bsKnfAeiCJd3mALYRWNFBwVjWMZsNEHX/rnVuZT70z3xQ"
    "6YBK31X6biP6biyLJYHOESq4lXmhzIuWga3Mi/aaF2IxXAOwvQyKZOHN7T9tsuEYa1/RP6"
    "8Q/bG6L9AyRlx2yLDMiuO8xK5ry8TwCmacbzH9QICDdOz4Bxl9tEz9Af94BPy0JWZzMQOL"
    "iQDAniEy2Tae57m+j7yCI2ubfYkKO/ypVfHWS2+wwxJrrf1FO41pM/WnGPOKST/SKuD0wm"
    "halkxF1ESdCoi2lopRpmgUpFlIp4i4GqH7g0jhtjAsQDVNloF1xuh2Buz+rqAtwe39zaez"
    "yxG4vRudX9xfBIU2kduF32SX4nzZu9HpZbbg6ZFiMUcbgJ2jVHhXwJufWr8B2hk6hXUFrA"
    "OVTwbmmKRJhA+PD7oLskCZKANYpETsFNzXx53F9hGzzEVxiXUJxmmyhkXFSTeh9j98bfPm"
    "hcIJVNio22EjB9oPElp9OHwjhb5lp7LUrdJbkOrm3DnMmF/268pT1/BptQzxPn04qgms4o"
    "PBOxWlbD5KqUJqHc7Yu0Mr7LgDQZAnuDMsi+04fEzliA7DgMdhGBWAU+y5LIuO1/kN+d0h"
    "CA6LANgBrHIPBM2Dwd5k4kJnjtgxEpPJK1Ggp+7p5br1JU8NGIIvg5WDKUpLn82HUaMSfs"
    "9/RTp4+hTwRPRwFS96aVE3LIkXqew+pWUobVPxQVQsmBHyVYVzlq6Hemf98eR4j5RAOkXU"
    "Q5jrz/NE31YWVRfFNbDFQGfIegj14UElsNmwYq4+EOQxd6Pp3QrZRhCq6qL0yOvcVdHOU/"
    "aQueuXI3SbxdbjZoBnKTcCvGXe1obdMgmuVd6Z57wz+U/8+bznBJc2B3DLeLo6vtkvOoUv"
    "fQ1w/eny8qW8YKfIMfXFQOAFC+4My7xgMB6zy6MhpPxChRFDoTwVxAuDVdzOK9T6aGGxp+"
    "cROeKShpJO8zFJHxWE4+MqO9bxcfGWxe5lkgHpRyWBcDC8h+geVjpF7rDkFLnD/Cly9Imu"
    "8JDq4o7yCZLm+8i/TKi7to7xOWWsyc3s+/8APvv2Hg=="
)
