from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    # Waiting rooms and their members live in the database (any process serves them, a
    # restart loses none); every game's events are kept for replays.
    return """
        CREATE TABLE IF NOT EXISTS "game_events" (
    "id" VARCHAR(24) NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "data" JSONB NOT NULL,
    "game_id" VARCHAR(24) NOT NULL REFERENCES "games" ("id") ON DELETE CASCADE,
    "user_id" VARCHAR(24) REFERENCES "users" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_game_events_game_id_0e3b91" ON "game_events" ("game_id", "created_at");
COMMENT ON TABLE "game_events" IS 'Something that happened in a game, kept so a finished game can be replayed: joins,';
        CREATE TABLE IF NOT EXISTS "waiting_rooms" (
    "id" VARCHAR(24) NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "state" VARCHAR(8) NOT NULL,
    "visibility" VARCHAR(8) NOT NULL,
    "mode" VARCHAR(16) NOT NULL,
    "max_duration_seconds" INT,
    "allowed_languages" JSONB NOT NULL,
    "rated" BOOL NOT NULL,
    "invite_code" VARCHAR(6) UNIQUE,
    "game_id" VARCHAR(24) REFERENCES "games" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_waiting_roo_state_667cdc" ON "waiting_rooms" ("state", "visibility");
COMMENT ON TABLE "waiting_rooms" IS 'A room players gather in before a game; its host is the member there longest';
        CREATE TABLE IF NOT EXISTS "room_members" (
    "id" VARCHAR(24) NOT NULL PRIMARY KEY,
    "joined_at" TIMESTAMPTZ NOT NULL,
    "room_id" VARCHAR(24) NOT NULL REFERENCES "waiting_rooms" ("id") ON DELETE CASCADE,
    "user_id" VARCHAR(24) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_room_member_room_id_ffb5ef" UNIQUE ("room_id", "user_id")
);
CREATE INDEX IF NOT EXISTS "idx_room_member_user_id_306cfc" ON "room_members" ("user_id");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP TABLE IF EXISTS "room_members";
        DROP TABLE IF EXISTS "waiting_rooms";
        DROP TABLE IF EXISTS "game_events";"""


MODELS_STATE = (
    "eJztXetz27i1/1cw+rLOjNbjOI/mbjt3xvZqd93accZ2tp0mHQoSIYnXJKESpBS3N/97Af"
    "D9FCGRNMWeD8nYBA5I/wAcnDf+PbKoTkx2+skhC+IQe07Y6Cf075GNLcJ/KGoeoxFer+NG"
    "8cDFM1P2X2c6zpjr4LnLmxbYZIQ/0gmbO8baNajNn9qeaYqHdM47GvYyfuTZxj89orl0Sd"
    "wVcXjDl3/wx4atk2/yI+Wv6ydtYRBTT320oYt3y+ea+7yWz65W2PlF9hSvm2lzanqWHfde"
    "P7srakfd+deIp0tiEwe7RE/8AeL7gj83fOR/K3/gOh6JPlKPH+hkgT1TwDD608Kz5+KvR3"
    "OqGzb/79TQ2alNtpqh/2/wdYn+mvbx7lF7mDxq2kgBvjm1BfSG7foTauFvmknspbviv56/"
    "/e6/J8bI7yVe+PvF/dVvF/cn529fiRdSPn/+3H4MWs5l03c5BHaxP4ickXgK5g4RsGnYzU"
    "/Fz7zFNSxSPB1pysy06AHpafjDPpMUPohnKV6bVdMk3ue5hnnquXObblubq4q5eby+nTw8"
    "Xtx+EsNbjP3TlIBePE5Ey7l8+px5evI+M4/RIOiv14+/IfEr+vvdx4nEmzJ36cg3xv0e/z"
    "4S34Q9l2r8D9ewngQtfBw+4l3jdeCt9T3XQZoS1sFxrwP/XHD4fJrYXnp4SVRYdDH1Xiw7"
    "YMhKiyCcsdb58vs6fPl9OV9+H/DlGHd+dFpKUEcEw0P3Qw1wP5Ri+yEL7cyk8ye+JD1GHJ"
    "aH+M8Pdx+LIc4RZpmbMXfR/yPTYG4HbG3mGaZr2OxUvO8leJkAKsXGQsxPbi/+lp2Oq5u7"
    "yyx/EgNcZiaH6IZLHZVZiSkOmo6e7YCucadbjo6mJoAnaboSwztjOs2I2kLVWTwlJG3xYI"
    "bnT1vs6FquhZ7TQqlcIp2fmjubPFL+n5yea/7HYK6/FcxGoAx+ZuT4ZuV7uOrCp/H7HbyN"
    "lMjUYuR/Ov+Dieuv34uHq4ufJ6PvKejTSIsm69zKPsE2l1j04NPEhwRA3pMN5QfBI//PHh"
    "Vo3an2cZXa7fg9ubbMu9bTvEcXiBHGxBEgqRCXsfiJpKOFQy3E5TjEW05MuqSe++oU3dMt"
    "Q0vKH84J4kJCQLTCDJFva4PLZqejzES084YD7AJyQEXmlKQZHHNqSt4stwP4M8f20P/SlN"
    "3ofy/AkI5WuzvoSGqOh8rDqIB3hodUOc+MxG8wUoKRUpE5gZHy2NkXGClhHeTWAT8R5M8K"
    "jDlJMzj58PysDgs+K2fBZ1mjGbGwYargGxEMDtw3tdB9UwHvmzy+a8zYlnKhiqtNKyUTe5"
    "awGbx7ZQB+fV7HBMx7lSIu29KIO9RUYhhh/+7wlTyqG5nt9fs6AGd5fALf97kF7dCFYRJt"
    "bcxdzylA+pF8c8u8RjnSITg1qk7cyd8eq0260YF7c/fx17B71s5bPAMzg+6DfkAGyO+PvE"
    "nnWH7rHvAnaWEO9p8DRucGNpX8fAWk4Olr3OPkkDV1XA67Zxeob9d2yf7IkmVmxrBbm5Gz"
    "tk7ipfiCH89fv/3D2w9v3r/9wLvIr4ye/KFibq4/Pmb929hWRjVFA5A+qrnuUtgzzWDMIw"
    "VWwsuA+Je/3BOzjLknzKCX2D5C0b3MYZddowUsGQCKjy/vX/8yyYEYfZKDDBUi5s0sQ7op"
    "D4TpIRpoqFDNqWURQXAQTlf+KEMFaUPdQzdcgNDvfKShojRfYVezCGN4eTBafKhbf6Shoi"
    "WiUnRtyX87EKtfcXtuiJcGScCjkc3hDEqANNnUY1H9VI9rAMUIbgKnTyZ+3i8c7HiQakpA"
    "EHgNX0hwKLWaWF33fJxbYs2Gu7rEH8rPQD7SvAEt5pb/eBsPNkTAfKMN0yysF3gClBaXHG"
    "noODmEUXNzqA2hNlbHchYqxaNlc5ii3NZiQMNY6hpadXq4AWGrGL4nzC8lEXyBZaY6iE8L"
    "rUB1Yp5531P0uCKI9zM2BFGboJPp1GCa/2A6fYUMJuOPxdg/MDT3HD5LrqD8I3KJxTcDdp"
    "7FrwwRW0d+7E8m8LmN13y1p1P+kybCiaZTNHsW5BYjfIezmqHRX3zA/GjC6GNGvNeXUTh0"
    "pgkCGCGAsQPnFASuQQAjrIMD14Fwv8nJU2DMSZohxnw1HpHEOScrisWoCPmKKAYI8LuzOm"
    "GMvFcpxLItjTFzseNG0ogKQ0tTAkM7boaWlEmVkscSdA2sgX4qX4OY4VjTyE3xJaUmwXaJ"
    "PpGky0zxjBO2tbNDVaPbab28u7tJzejldTZ27fPt5YSfZHIqeSfDz1ouDOsRvqTZs2IibJ"
    "ZugEdZUwpbOqNEEecECUBctxxCGvE83L9QhxhL+y/kueUaB/04GXZWOUgssuIiB4UcA3Dd"
    "hWuWSdaoINFZpvQnhy4dbFn877wJq2gVlnrMdxtXl3yMCKLyXC3kVX8ZJWt/bYgjfaj/gH"
    "TrXnHmMVgrQeQHayWsgxrrYJ9KkAfXf6wx48dfjycRjBqckwoQJ0gGqIA0DzE2DcyKQgLK"
    "M8MSJJARlmJXjWSEeXbI/mtb6GOSISRJtrHk98pj8sOPtG6zUHo2GZCE0nHElqpe7K+rIl"
    "U4WnEV2m+8tFutI/ZltDGYMTNMw5V2mLRKxPVVGcOT7qMbi4Ux5zNUQcEltBUNbUHFXXJP"
    "+f/pF8WDQLgQKOCgeI36rXiBAg7rQIzhGq5a7aKIYICKYSvFoZjL4QiTXeuWbkkRDUEd6b"
    "pmS/L1CrhnyAB5deTTEmddtpKm6rAwGoeJOBbRjSBU6BjDEdOSeG0jX4qqQ8h1By/cY8Xa"
    "xUslO1/YH4x8jRv5hCruSFuItiBEF6YAFV5fQg48X53nMw6qBJKL4Ur1GXOEHbKhl1AP2g"
    "A/Zb6py/xTRAMU5ZuP44uWauh/VES8jH4I/KbjAD9/8ebBh1C0dChaapPvDvLLrdAGEC4J"
    "JTuu5V0X77ItnoKefwz6+PnmpioGMCHaY9PQsUuLrhdU8Qn9Ho4zoOUO3jMo4dZq2R8otN"
    "WxB/ZK1o0tdcNehWVld/li/QK0NQtC/Ea3iH/XMwr8uKKkgkMQ5v/oAhE8X6HYVIKwraPY"
    "WDVGT2TtIvKNv0FWY3CM5TK4UypVDqKNl3y1uWo/nQYjTqfohBH/2jzLWPqaLXs1RowiLA"
    "0NP/C3UhebouoEf0Lpk7dGBp9lgnXxFRhJ2MrqSFS4lg8KwS6tJFwoHxeUEA6O4sP8v21K"
    "x41UZS736R6X+a87b07jtr/jMm0fMdAFwaqlXKLoAIY64y95H2OsaxSc5ClFpPwcT+s9uw"
    "/xO5uffIS5aI4ZORWnImWGaOTH4hMha7/OEnV04siffNUYLfGG5C+tPXSwwsMzkEyCQy0Y"
    "EJKXemZ1qjpnIXbqYKViEDEzEDsF60CMETHx+sJKkqQ7maX3uk3imLPXnlKkVEQwCMG6a9"
    "8h9VxFvGMKAHyfu8SSUmBdaS4tOg4B9o4dhusoi+NQd9bQrsEZZ1xYqaXWp9IVCbdMgVaZ"
    "dtqUq5UZL1HL6TqJEisJDUAm1KRwTjaCAggKIAj+/Rb8VaPcug9uG5DEJMALN3kO81JFK0"
    "MFulaBrsV3hPg+hVMlpujy6nL7iW9Eu5tDpE4CUHn6Tz75x5vPCWOaU1jA9BeT4rLA2Axh"
    "Bu+FoGzNxXHalpOjAtyf7z5f3kzQp/vJ1fXDdRAtHnF92SgexWUt7ycXN1nlCjNWdNNJuT"
    "kmIgAHUpY7LLBhKoEZEwCYWTBl3IUCllF/gDILZVGtQVV7SvkQgxDR2g6FByNWJzBD5WCw"
    "E3YNeIN2wuxSbgDWgedrKJVkLjrEmli5eyVsHCviFZJAagbuJw+P99dXj/WSNvxbiG3+iU"
    "2EkA8zIaFNX0GYmlDgKEhkLZR7CZIJEnUuFAz6I2ojHAR4i5v+1ljc5jedImKt3edXiDq8"
    "2SFr8xm5FGGbCsdBSJyPQmto3K+2uDTQp+Y0Ivbb3OJnP4YtGFT86K4cEQe+4ruAIY+vFk"
    "eGjss9wL8o/gKHWHTjR7B/tbcraka0Imw9/BJhs2HIcFlItjX4AvdctMXmkxjPW9e+sLDU"
    "WSI9KRIN8KT0Ts4agycFPCkQSgfroMY6cMk3JUdE2H+ASu6b8zqX6fFepexXtmWdaFIY8I"
    "FSwDlL16Hbxz/0f5zHAtsxZrJ46w0tcv2UWn5jAjD9Zk2/Ot3ainAmSQDQLKBQOqYbe3lS"
    "RaltL08SQZEY8Er002QOtXjqWRoVa/GAJ6IlT4TPVhsAtn79k57x4drAJg8g1VDwZJTZ2j"
    "zYDj44sFNrUgiozQD0eyDqDmSvd+ElkJCVewpCRHd6C7RoFpu+9DKZRhC8K7xmAzLHeyMj"
    "jcHcDWbOXWZORfNb92a3zhSThgOtE4xRAd801QBRhqC0I4G4QsNOWMA7U1n6BnldnSW9oS"
    "EuraO4tJdJCeYcx70ljJXcYp9srhbgeUfN8nt2kRYsw8MgXqVvLBgEeBDgdwnwEK8C6yA8"
    "EW2sdsF0kmaIcnCdsJWKqJV80IoVH951MU6QDBDid2d1MOa9SkGWbZmKWyyQ6AqkjEtKTY"
    "LtEkEjRZiBe8Yp28I7etItk7q8u7tJ8afL62z5gs+3l5P7k9cS/jhTOR93kZAA667sBMkA"
    "VzbYKY4E4go7xbLwPFTWpQd2a8I4o0sn9jGYJwZtnvjVn8ScXSJc4OUGiejukZYNEeKWYU"
    "++iNh8eQm9A6wQL36GgRUCtM9q7dMqrD9WoRV1f7nmAjNRQb+bnfdff6Py2puZxrwbsBt2"
    "3IqxdS+4h5cR/mq9IBSqNL6/jLy7WP//OTuaaH/TpFt+CISJ7kr3WBcSw6XWqSOjiUutfc"
    "ByE1NpiYloOjTChDLY0dpgYuG3LnuPKTpk7YatySIVhLFjPUw5bo6rhYKlitiapnwpsbV9"
    "FXcQUmmkQypOcpIOprjXUyzkLHvJNLwWMf17HFNZavAaKJxYdGsr27STNGDUhizCnvoO5D"
    "IFS/cuS3dyN0MOYU9uPUnYZ1dFllmlNK50zOJA4E6LiZvD754XLpTJZlihzOmta+Ln4Brx"
    "w1D6JAcaKkyZ63wOg2qYdRZT4jul1oFA/RUbQoi/5yPVQOlYknHbdgP7vKrEFxwxsmqHsB"
    "Yzzt01KR+oRdyVKLPo8hMFrfjQfKZ0ZIhKkmK0MXoia1cUeMRoYdgGW/FW0YDm2EYzIqs4"
    "ctah/4T+jxo2G48yCLfwiq821x03hI1RaGRGc1GOUjwRR+tYFKfUfxRdZcVKaR2SRSfFb/"
    "4rateUhCD8XuoIY3B/gxVqhxXqiYOsshnD/gNUzJs31ovdp+IXDPv3wxUoXjsYVyBECQ8x"
    "SrhnMjEECfdAARkfT5Bwz5bvoTHC/P3o4+ebm5cMEg5sNCXqYWzB2aEfJmxGTVcgSqzHEE"
    "goP9QvnjuuUJy4oGGEZp2acXVJEqibm/XECnvFXopoihD00OPWQ0E+H6J8/t8AMQjowxXQ"
    "jxXSHmfxJTyDJUJ62ne4Q1DPeC3r3DAWk4h7uKSgL50hvr9F3PolPSs/Iewiix9ziNoErX"
    "mnoK9wkogORbeMNTo2qA/DUx/A7wLyLsi7nci7MS9WBDpHCHCDegHqRc/ABvWiv+pFMRtu"
    "ANhBxhVm4c2dP33S4US04i2xZsVOlkTruEp3E9GTmiU7tuJkkeNXa0lf0i2gMPVTYQL3AK"
    "hLKLmf6+7GBAkIlyC/91B+d4LA/wNlIrU0gr5hXlcoSmxnEOMH7SVIrucCETOz3MtlzK3f"
    "UYsydeo4B0TnwBjP0BILiVJY7mdkwRdPYL3/IzJchlbCfG8wmS/hS7LiR97JpCLNwi3wDj"
    "Q3+Ff7ZDqNJApZ4/DUNBZk/szZ0HT66hTdyT+KicSOZ4T9EYmOPJtLHnJYmT0i0z5Y7UQP"
    "UbVF7pdEdS6Qnl/8EAd3A8jPcNcCrIPd6yBi4LV9ISFBh2W66JrY3TDghusvQqXLzipdQt"
    "XWlnPX+lRLtGd5ElBLtPKAhlqiUEv0gMpshr3hbRxFNQ6fIWsknXC3GtmZMbIOfy9n7znu"
    "/gLhR31j4kOO1egZ1oeGatRJLExedRa5lTO8WqE2T9qRPRADcKu1eYSx/Jb/eEv4x8393Z"
    "Mx3Wa7jKvMt9I6LZ5rVqJ7DROub2D9gSGHi52OLmOqf+WKzhP98Rz5dVOF1VVEXksbqHhH"
    "USz33uMURiQkjO1SGcmHI4Q6ij802FVfmpuPK+yq/dc/Ozs6m1c9pTvDT8EuWOmlKmeWDF"
    "Jti65KZNpWKXk5RQOQZiGdEeZqjJ8PRdKdSXEJqmmyDKwLQdcasKdtQVuB2893ny9vJujT"
    "/eTq+uE60M4jw7hsTKuF95OLm6yVZMOxWJI9wM5RAt418Hapi8090M7QAdY1sA5EPhWYY5"
    "IuEX797ux4QS4QJqoALhIiWgX3zbujxXZDhUJd7PmqwDhN1jGreH+cUPsbX9vfo184ADj2"
    "j9ux72D7SUGqD7uDOy4v0puYy+bSFKkXBktU7648dQNbq2eID2njQGQUrINRaG6G9IcOXW"
    "IQpH/EQfr3ZE0dd1SUAuq3jCvTP2Wf2h4dgYH0wwgqhGfUc0V5HXnR0Fi2jjnzsyxiu4g6"
    "8n4DZPk3/6CT6dTFzpK4HEQRGF/g6Gl6+LqR9P79p8kbE8boy2jtUI6S5S/zcXRTqmzzP5"
    "F3nj0HayJ6OfiLXprVjSv8RRCHD1IGSJuwDqIqwhkmX5c5Z+kGKHc270+Oz0gFpFNEA4S5"
    "+QRy8m1tcnGxuDh2OdAZsgFC/fqsFtiiW/mqPisocBbJkCrZPF5RhHiraSbE1gNX1TFyj7"
    "zMXRftPOUAF3fzfIQfs9Tc7Ad4lhIildWrUsSrFqwzO6tS5Lb47uIUiVXaHcA9W9P18c3u"
    "6F7dOHNBHGO+GhVYwYKWcZUVDMd9Gi1/ljE2KdmFSj2Ghfy0wF8YzOJhVqHeewvLLT0b4h"
    "TXOqxIAI5JhiggvHtX58R69678yBJtmWBAvqkUEA66DxDd12dntVSLswrN4iyLLn+jG9yj"
    "XDcNNUHSffLpy7i6G0szzQljXR5m3/8DuIR+hQ=="
)
