from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    # Ban appeals, the staff audit log, whom each report is about, and the admin capability
    # (the wire role stays user|moderator).
    return """
        CREATE TABLE IF NOT EXISTS "audit_log" (
    "id" VARCHAR(24) NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "actor_name" VARCHAR(64) NOT NULL,
    "action" VARCHAR(16) NOT NULL,
    "target_type" VARCHAR(16) NOT NULL,
    "target_id" VARCHAR(64) NOT NULL,
    "reason" VARCHAR(1000),
    "details" JSONB NOT NULL,
    "actor_id" VARCHAR(24) REFERENCES "users" ("id") ON DELETE SET NULL
);
CREATE INDEX IF NOT EXISTS "idx_audit_log_created_277f5d" ON "audit_log" ("created_at");
CREATE INDEX IF NOT EXISTS "idx_audit_log_actor_i_d98cf9" ON "audit_log" ("actor_id", "created_at");
CREATE INDEX IF NOT EXISTS "idx_audit_log_target__05ad63" ON "audit_log" ("target_id", "created_at");
COMMENT ON TABLE "audit_log" IS 'One staff action, written in the transaction of the action itself.';
        CREATE TABLE IF NOT EXISTS "ban_appeals" (
    "id" VARCHAR(24) NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMPTZ NOT NULL,
    "updated_at" TIMESTAMPTZ NOT NULL,
    "reason" VARCHAR(1000) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "decision_reason" VARCHAR(500),
    "decided_at" TIMESTAMPTZ,
    "ban_id" VARCHAR(24) NOT NULL REFERENCES "user_bans" ("id") ON DELETE CASCADE,
    "decided_by_id" VARCHAR(24) REFERENCES "users" ("id") ON DELETE SET NULL,
    "user_id" VARCHAR(24) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
    CONSTRAINT "uid_ban_appeals_ban_id_d1c806" UNIQUE ("ban_id")
);
CREATE INDEX IF NOT EXISTS "idx_ban_appeals_status_a43970" ON "ban_appeals" ("status", "created_at");
COMMENT ON TABLE "ban_appeals" IS 'A banned user''s request to lift one ban: one per ban, decided by a moderator.';
        ALTER TABLE "users" ADD "is_admin" BOOL NOT NULL DEFAULT False;
        ALTER TABLE "reports" ADD "reported_user_id" VARCHAR(24);
        ALTER TABLE "reports" ADD CONSTRAINT "fk_reports_users_0b978e3e" FOREIGN KEY ("reported_user_id") REFERENCES "users" ("id") ON DELETE SET NULL;
        CREATE INDEX IF NOT EXISTS "idx_reports_reporte_807efc" ON "reports" ("reported_user_id", "status");"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        DROP INDEX IF EXISTS "idx_reports_reporte_807efc";
        ALTER TABLE "reports" DROP CONSTRAINT IF EXISTS "fk_reports_users_0b978e3e";
        ALTER TABLE "users" DROP COLUMN "is_admin";
        ALTER TABLE "reports" DROP COLUMN "reported_user_id";
        DROP TABLE IF EXISTS "audit_log";
        DROP TABLE IF EXISTS "ban_appeals";"""


MODELS_STATE = (
    "eJztXVtz2ziW/isovbRTpXY5TuLJ9mxtle12d3vGjlOO0zM1yRQFiZDENUVoCFKOezb/fQ"
    "HwfhUhkTSFOQ9J2QQOSH8ADs4d/x6tqElsdvzRJXPiEmdG2Ogn9O+Rg1eE/1DWPEYjvF4n"
    "jeKBh6e27L/OdZwyz8UzjzfNsc0If2QSNnOttWdRhz91fNsWD+mMd7ScRfLId6x/+cTw6I"
    "J4S+Lyhi//5I8txyTf5EfKX9ePxtwitpn5aMsU75bPDe95LZ9dLrH7i+wpXjc1ZtT2V07S"
    "e/3sLakTd+dfI54uiENc7BEz9QeI7wv/3OhR8K38gef6JP5IM3lgkjn2bQHD6L/nvjMTfz"
    "2aUdNy+H/HlsmOHfJkWOb/hF+X6m8YH+4ejE9XD4YxUoBvRh0BveV4wYSu8DfDJs7CW/Jf"
    "T99+D96TYBT0Ei/8/fz+8rfz+6PTt6/ECymfv2BuP4Qtp7LpuxwCezgYRM5IMgUzlwjYDO"
    "wVp+Jn3uJZK1I+HVnK3LSYIelx9MMukxQ9SGYpWZt10yTe53uWfex7M4c+dTZXNXPzcH17"
    "9enh/PajGH7F2L9sCej5w5VoOZVPn3NPj85y8xgPgv52/fAbEr+if9x9uJJ4U+YtXPnGpN"
    "/DP0bim7DvUYP/4QY206BFj6NHvGuyDvy1ueM6yFLCOjjsdRCcCy6fTxs7Cx8viAqLLqfe"
    "iWWHDFlpEUQz1jlfPmvCl8+q+fJZyJcT3PnRuVKCOibQD933DcB9X4nt+zy0U5vOHvmS9B"
    "lxWRHiv3y6+1AOcYEwz9ysmYf+D9kW83pga1Pfsj3LYcfifS/BywRQGTYWYX50e/73/HRc"
    "3txd5PmTGOAiNznEtDzqqsxKQrHXdAxsB/SNO33i6BhqAniapi8xvDem046oLVSd+WNK0h"
    "YPpnj2+IRd0yi00FNaKpVLpItTc+eQB8r/k9Nzzf8YzPW3ktkIlcHPjBzerHyPVl30NHm/"
    "i59iJTKzGPmfzv9g4gXr9/zT5fnPV6PvGeizSIum1ekq/wQ7XGIxw08THxICeU82lB8ED/"
    "w/Z1SidWfax3Vqtxv05Noy79pM8x6dI0YYE0eApEJcxuInkonmLl0hLsch3nJk0wX1vVfH"
    "6J4+MbSg/OGMIC4khERLzBD5tra4bHY8yk1EN2/Ywy4gB1RkTmka7ZhTW/JmtR0gmDm2g/"
    "6XpexH/3sBhnSw2t1eR1J7PFQeRiW8MzqkqnlmLH6DkRKMlIrMCYyUh86+wEgJ66CwDviJ"
    "IH9WYMxpGu3kw9OTJiz4pJoFn+SNZmSFLVsF35hAO3DfNEL3TQ28b4r4rjFjT5QLVVxtWi"
    "qZ2POE7eA9KAPw69MmJmDeqxJx2ZZF3KW2EsOI+veHr+RR/chsr8+aAJzn8Sl8z/LwWlwD"
    "NFeWU4T4gnIksVMhL6fIckhPOV1XUMdP+j1pL+7ubjKH7MX1Qw7iz7cXVxx6iTzvZAVGre"
    "sPD3kG4tK5ZRNjbc083y1Z2Q/km1flpSuQ6uBEqpNwrv7+UG9CjwWcm7sPv0bd83b18hmY"
    "WnQX9EMyQH535G06w/Jbd4A/TQtzsPscMDqzsK3kVy0hBc9q6x4+l6yp63HYfadEXb52Kv"
    "ZHniw3M5bT2YycdCX5LMQX/Hj6+u2f3r5/c/b2Pe8ivzJ+8qeauSmevFPsKKOaoQFIH9Rc"
    "pRnsmWEx5pMSq+xFSPzLX++JXcXcU2bnC+wcoKpU5SDNr9ESlgwAJceX/8cfNtkTo49yEF"
    "0hYv50ZUm38J4wfYoH0hWqGV2tiCDYC6fLYBRdQdpQb98NFyL0Ox9JV5RmS+wZK8IYXuyN"
    "Fh/qNhhJV7REFJBpLPhve2L1K+7O7fPSIAl4DLLZn0EJkK42zVjUMNXjBkAxgtvA6aONn3"
    "cLvzscpNoSEARe+gsJLqWrNlbXPR/nlqym+q4uiVQ7Z2AAltZnoPhLOVp8pFkLOt8t//E2"
    "GUxHwLBvWp7BjzHX2nd5nYuhrvhIz5oeiXi9Jvyj+Ntnlrmv0eUCO+dyPL3B6g+kg9x+gY"
    "WZGStslrgtlZi7HEl3nPCC92Al1uZOoDrEfRch5RJG7c2+XEo7qJTCuvOpwHGJiHJAo5Sk"
    "BsbS7HAaYasYBS+s6hWB8KHBvT4W3oiM+01Sh3jfY/SwJIj3szYEUYego8lEhN3IB5PJK2"
    "QxmcYjxv6BoZnv8lnyBOWfkUdWfDNg91n8yhBxTBSE0Obyh7p4zVdnMuE/GSIqdzJB02dB"
    "vmKE73DWMMPoSwBYEJQff8yI9/oyiobONUEeAOQB9BBzAPHfkAcA62DPdSCiKuTkKTDmNI"
    "2OodOtB/ZyzsnKQuxqIqdjCg0BfnfSJBuA96qEWLZlMWYedr1YGlFhaFlKYGiHzdDSMqlS"
    "DnaKroU1MEzlS4sZTjSNwhRvzZOI6XpMlIhUjYPNk+DnvQgRmD4r1pPI02l4lLWlsGUTMx"
    "VxTpEAxE2rCmURL8L9C3WJtXD+Sp47LhU0jJNha7Gg1CIrrxVUyjEA12245plkg0JMFesY"
    "XGcVkKtZ7xXN0R9dunDxasU/7CYq2FlaVbrYbVxfXTomiCuBdlDC5csoXWZ0Q1wZPvRPqO"
    "wyqNNrDBZdUIvAogvroME62KXo9N6lphvM+OGX/kvlYYTnpALEKRINlbT2Ica2hVlZ2ER1"
    "UnSKBJKhM+yqlWRo34nYf2MvRkKiQ32ALpb8Tim8QYiW0W8C5sAmA/IvB64XB+uqTBWOV1"
    "yN9pss7U5Lln4ZbSxmTS3b8qStKqsScX1Vxjll+5jWfG7N+AzVUHAJbUkje1l5l8JT/n/2"
    "RckgEFIFCjgoXqNhK16ggMM6EGN4lqdWJjEm0FAx7KQOJfM4HFGdh6ZVyzJEOqgjdXumi3"
    "Jl6dcr4J4jA+TVkc9KnE3ZSpaqxxqsHCbirohpheFUhxiymZXEGxv5MlQ9Qm66eO4dKtYe"
    "XijZ+aL+YORr3cgnVHFX2kKMOSGmMAWo8PoKcuD56jyfcVAlkFwMVypNXCDskQ29hHrQBf"
    "gZ801T5p8h0lCUbz/WMV6qkf9REfEqeh34Tc9BkMHiLYIP4XrZcL3MJt8eCFlYoS0gXBFK"
    "dljLuyneVVs8Az3/GPTh881NszjJDbYtE3u07CZjFZ/Q79E4Gi138J5B9dJOK95BjcmePb"
    "CXsmR6pRv2Mqqovs0XG9Reb1g04zf6hPh3PaPQjyvKTrgEYf6PzhHBsyVKTCUIOyZKjFVj"
    "9EjWHiLf+BtkxQrXWizC6yszJTO6eMlXh6v2k0k44mSCjhgJbuhdWYtAs2WvxohRhKWh4Q"
    "f+VuphW1Tm4E8offTXSJQaItgUX4GRhK2q1kaNa3mvEOzKIvql8nFJ9fzwKN7P/9uldNzK"
    "hQTVPt3DMv/1581p3fZ3WKbtAwa6JFi1kkuUHcBwxcZLXv2c6BolJ3lGEak+x7N6z/ZD/M"
    "7hJx9hHpphRo7FqUiZJRr5sfhIyDqoRUVdk7jyp0A1Rgu8IceFw3rfwUoPz1AyCQ+1cEBI"
    "XhqY1anunIXYqb2VCi1iZiB2CtaBGCNm4s2FlTRJfzLL4HWb1DHnrH2lSKmYQAvBum/fIf"
    "U9RbwTCgB8l2s001JgU2kuKzrqAHvPDsN1nMWxrztLtxvgxjkXVmapqZb36FKpTLllSrTK"
    "rNOmWq3MeYk6TtdJlaFJaQAyoSaDc7oRFEBQAEHwH7bgrxrl1n9wm0YSkwAv2uQFzCsVrR"
    "wV6FoluhbfEeL7FE6VhKLHOE3feeQb0ennEGmSAFSd/lNM/vFnM8KY4ZYWef3FprgqMDZH"
    "mMN7Lig7c3Ecd+XkqAH357vPFzdX6OP91eX1p+swWjzm+rJRPEpKf95fnd/klSvMGFHxMC"
    "cE4EDKc4c5tmwlMBMCADMPpoy7UMAy7g9Q5qEsqzWoak+pHkILEa3rUHgwYvUCM1RXBjth"
    "34C3aCfML+UWYNU8X0OpbHXZIdbGyt0pYeNQEa+RBDIzcH/16eH++vKhWdKGvC29lfuG9b"
    "0pvUtfQZSaUOIoSGUtVHsJ0gkSTS5dDPsj6iAcBniL2xDXWNx4OJkgslp7z68QdXmzS9b2"
    "M/Iowg4VjoOIuBiF1tK4Xx1xsWJAzWlE7Lf9hJ+DGLZwUPGjt3RFHPiS7wKGfL5aXBk6Lv"
    "cA/6LkC1yyopsggv2r87SkdkwrwtajLxE2G4Ysj0VkTxZf4L6HnrD9KMbz140vdax0lkhP"
    "ikQDPCmDk7PG4EkBTwqE0sE6aLAOPPJNyRER9ddQyX1z2uTCQd6rkv3KtrwTTQoDAVAKOO"
    "fpenT7BIf+j7NEYDvETBZ/vaFlrp9Ky29CAKbfvOnXpE+OIpxpEgA0DyiUjunHXp5WURrb"
    "y9NEUCQGvBLDNJlDLZ5mlkbFWjzgiejIExGw1RaAbV7/ZGB8uDGw6QNo95sehTlwbzu4dm"
    "Bn1qQQUNsB6PdQ1NVkr/fhJZCQVXsKIkS3eguMeBbbvvQynUYQviu6ZgMyxwcjI43B3A1m"
    "zm1mTkXzW/9mt94Uk5YDrVOMUQHfLJWGKENQ2oFAXKNhpyzgvaksQ4O8qc6S3dAQl9ZTXN"
    "rLpARzjuPdEsYqbrFPN9cL8LyjsQp69pEWLMPDIF5laCwYBHgQ4LcJ8BCvAusgOhEdrHbB"
    "dJpGRzm4SdhKTdRKMWhllRzeTTFOkWgI8buTJhjzXpUgy7ZcxS0WSnQlUsYFpTbBToWgkS"
    "HMwT3llF3hHT/pl0ld3N3dZPjTxXW+fMHn24ur+6PXEv4kU7kYd5GSAJuu7BSJhisb7BQH"
    "AnGNnWJReh4q69Ka3ZowzunSqX0M5gmtzRO/BpNYsEtEC7zaIBHfPdKxIULcMuzLFxGHLy"
    "+hd4AV4sXPMLBCgPZZr32uSuuP1WhF/V+uOcdMVNDvZ+f9x9+ovPantjXrB+yWHbdibNMP"
    "7+FlhL/aLAmFqozvryLvL9b/v04OJtrftukTPwSiRHele6xLieFS68yR0cal1gFghYmptc"
    "TEND0aYSIZ7GBtMInw25S9JxQ9snbLMWSRCsLYoR6mHDfXMyLBUkVszVK+lNjavYqrhVQa"
    "65CKk5ymgyke9BQLOctZMAOvRUz/DsdUnhq8BgonFn1ylG3aaRowakMW4UB9B3KZgqV7m6"
    "U7vZshh3Agt56k7LPLMsusUhpXNmZRE7izYuJm/7vnhQvlaqNXKHN269r4ObxGfD+UPsqB"
    "dIUpd53PflDpWWcxI75TutoTqL9hSwjx93ykBigdSjJu127ggFdV+IJjRlbvEDYSxrm9Ju"
    "UnuiLeUpRZ9PiJgpZ8aD5TJrJEJUkx2hg9krUnCjxiNLcciy15q2hAM+ygKZFVHDnrMH9C"
    "/0sth41HOYQ7eMVXh+uOG8LGKDIyo5koRymeiKN1LIpTmj+KrrJipbQOyaKT4rfgFY1rSk"
    "IQ/iB1hDG4v8EKtcUK9chBVtmMUX8NFfP2jfVi96n4BaP+w3AFitdq4wqEKGEdo4QHJhND"
    "kPAAFJDx4QQJD2z57hsjzN+PPny+uXnJIOHQRlOhHiYWnC36Ycpm1HYFotR6jICE8kPD4r"
    "njGsWJCxpWZNZpGFeXJoG6uXlPrLBX7KSIZghBDz1sPRTkcx3l8/8EiEFA11dAP1RIB5zF"
    "l/IMVgjpWd/hFkE957VscsNYQiLu4ZKCvnSGBP4WceuX9Kz8hLCHVvyYQ9QhaM07hX2Fk0"
    "R0KLtlrNWxQX3QT30AvwvIuyDv9iLvJrxYEegCIcAN6gWoFwMDG9SL4aoX5Wy4BWC1jCvM"
    "w1s4f4akw4loxVuympY7WVKt4zrdTURPGivZsRMnixy/Xkv6km0BhWmYChO4B0Bd4ruIEG"
    "eHNZAigxVw2CsgxdGb8uMUCagXoMENUINzw9SPPaVitUSSoWHeVCxObWdQ5LT2EwVaROVl"
    "FOnmJlqGwmUUo3P0FGwmJIh/YGGyTJJ9Eygt6GlJkStKZDlk5jHEBQ3Gn2GPk/PfsGWWeY"
    "faHLpJXk5qx0BeznAOhDp1B/xDIO5GnBkuRYBLETS4FAE0N9DcDhNi0NxAcxsopAPV3NLr"
    "uURzyy33as0t1JSMuMpGE81NdA4D6RhaYKEWiai7KZnzxRNG3v0ZWVynWorQO4vJWgeh1i"
    "V6E2RTUSLBK9Hd2hv8q3M0mcTCsbyf4Ni25mT2zNnQZPLqGN3JP4qJogzPCAcjEhP5Dhei"
    "5bCy8oMs2cAaK4Oi4qrcL6nK2qAKvvghDqogqIJwTyKsgwY+0IiBN45jjAh6LLFN18Tphw"
    "G3fHcC3FLR2y0VcONKx3VnhnQPyMBqHMA9ILUHNNwDAveA7FFV3XI2vI2jqMbhc2StlALa"
    "rkb2Zoxswt+r2XuBu79A6tDQmLjOeRYDw3rfNIsmRYHSHrk4JDzHqxXq6maD0DUxAJc5Ll"
    "vBSbsC6V3at4VX4Zb/eEv4x80CNpOzcee7jOvs3NKML54bq1T3BrbuwBL9A5ORQq4pE8d/"
    "5RrhI/3xFAWXwwjztEgvl8Zi8Y6ykKSdxylNu0h5JaTWVsy5iJS5YGgwQL/0sTeuMUAPX1"
    "HvTcZoX0eXfp+gzlzJSq/UzfNkUE8sr4MECD0pVWjL0ACkeUinhHkG4+dDmRhsU1yBapYs"
    "B+tc0HUG7HFX0Nbg9vPd54ubK/Tx/ury+tN1aMaIPQiyMas/31+d3+TNSRuOxYLsAHaBEv"
    "BugLdHPWzvgHaODrBugHUo8qnAnJD0ifDrdyeHC3KJMFEHcJkQ0Sm4b94dLLYbKjTqchdh"
    "DcZZsp5ZxdlhQh1sfGP30IfSASAC4rAjIFzsPCpI9VF38FsWRXobc9lc2mzN0qiS+t1VpG"
    "5haw0McZ02DoSQwToYReZmyBPp0XcI2QwHnM1w7puWd+V47vOoxNGTah3X+Xiw6GfYdNHM"
    "t3PnyND++RxhyfHG6Mm1PI84soLwknAAscOCNkTn8lH4m+UxYs+Lbp52hmySZJBOMx+jLy"
    "M+CnVLUtBFm4ddPhLkpw+OnY1rfEKQlACShGRqcmOrZqhnqTSUJ86abMCz6g14VkjtDfiw"
    "IsjlYR86ANy+IzY8hiRICijnyADq5lCrHeMZIg1hbp9l8IOWqbGMhEK/8NDXJ42KWohu1U"
    "v5pFjWwiQetmyleP8UyTCi/LW64jeta6gJJBAZvaN1Q8LXn3ljYGA3tW6kF9mgLky9wM75"
    "ek2wPSoxbySN4zrrxhQ7Bpb9GseuchJHlDNgYeApn0zmicuRbGse3IjEe/wUX43Efxkjk8"
    "wscYvS9FkUyuOfwZcJdcsiWlsevTTOVfzRpSXFRcqtz8CgMSwONgaDBhg0wEUG66BJjEHf"
    "ytOwtdOutKfkoGwKc0LRZ5kF4phhBOIhGlyEXCPvkVFf1SWk+ilIndS7DIXJHU6SLCWE1A"
    "z5nAhVAIUdlVBoeE60X9M02gzTZ0WcC4T68S2oIHsgENfYzjg7aMlydoF1vg0vYZtQO/YF"
    "rm9MuCnYebfgWjh4BmXsvSdr6nqjsvtUgpZx7VUqsk9jE29sfRVUCE+pz/9Ha/+PP2zeX7"
    "SO0YyuVsTxEHXlTSgoLGqBjiaT2OcryuGW2HjbHr5p/dyiaVcEsq1dylFaxbEAYU/ZFnxi"
    "elEk/uxsh9SujAYAu/FLC0hgNwY9EOzGsA62r4P8IdCUOefpNFSlIJDsoM68BGbybW1zcV"
    "I1ADVHpiHUr08agS261XhFioCDV6QP7lGUyZu7+vKUGi7u9vlImY6jDPm+5saBGRW6x5xR"
    "e7PbIs9TAt7q94MlnAIMklvvByuw1e12ydQqBcPkVnzzO7rCMlnJtAHipku4yrj+0ubfc+"
    "Jas+WoLI85aBnX5jAnfbZZf6uh3W5lVTJ4VtZ9KT20Sqq+hPO4n7mzyyOrlZov1SbMDXGZ"
    "omqXItFR8n33rolY8O5dtVwg2nJpKXxTKSAcdtcQ3ddNIwnrAgnz6PI3esQpsb1WZ2GlSP"
    "rPwnqZ6KrW8q0KEm+fh9n3/wdPpT+G"
)
