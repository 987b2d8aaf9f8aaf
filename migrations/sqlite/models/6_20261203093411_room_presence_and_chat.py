from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    # Waiting-room chat is kept; a member's presence is tracked so that one who left for
    # good (closed every tab) is dropped while one who reconnects keeps their place.
    return """
        CREATE TABLE IF NOT EXISTS "room_messages" (
    "id" VARCHAR(24) NOT NULL PRIMARY KEY,
    "created_at" TIMESTAMP NOT NULL,
    "username" VARCHAR(20) NOT NULL,
    "message" VARCHAR(500) NOT NULL,
    "room_id" VARCHAR(24) NOT NULL REFERENCES "waiting_rooms" ("id") ON DELETE CASCADE,
    "user_id" VARCHAR(24) NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE
) /* A waiting room's chat, kept so a member who reconnects sees what was said. */;
CREATE INDEX IF NOT EXISTS "idx_room_messag_room_id_9a3478" ON "room_messages" ("room_id", "created_at");
        ALTER TABLE "room_members" ADD "seen_at" TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00+00:00';
        UPDATE "room_members" SET "seen_at" = "joined_at";"""


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        ALTER TABLE "room_members" DROP COLUMN "seen_at";
        DROP TABLE IF EXISTS "room_messages";"""


MODELS_STATE = (
    "eJztXW1z27i1/isYfVlnRutxnJfmbjt3xvZ6d93accZ2tp0mHQoSIYnXJKESpBS3N/+9AP"
    "hOgjQhUTTFng/J2AQOSD8ADs47/j1yqElsdvzJI3PiEXdG2Ogn9O+Rix3Cf1A1j9EIr1Zp"
    "o3jg46kt+68KHafM9/DM501zbDPCH5mEzTxr5VvU5U/dwLbFQzrjHS13kT4KXOufATF8ui"
    "D+kni84cs/+GPLNck3+ZHy19WjMbeIbeY+2jLFu+Vzw39ayWcXS+z9InuK102NGbUDx017"
    "r578JXWT7vxrxNMFcYmHfWJm/gDxfdGfGz8Kv5U/8L2AJB9ppg9MMseBLWAY/WkeuDPx16"
    "MZNS2X/3dsmezYJRvDMv83+rpMf8P4ePtg3F8+GMZIA74ZdQX0luuHE+rgb4ZN3IW/5L+e"
    "vv0evifFKOwlXvj72d3Fb2d3R6dvX4kXUj5/4dx+jFpOZdN3OQT2cTiInJF0CmYeEbAZ2C"
    "9Pxc+8xbccop6OPGVhWsyI9Dj+YZtJih+ks5SuzbppEu8LfMs+DvyZSzd7m6uauXm4urm8"
    "fzi7+SSGdxj7py0BPXu4FC2n8ulT4enR+8I8JoOgv149/IbEr+jvtx8vJd6U+QtPvjHt9/"
    "D3kfgmHPjU4H+4gc0saPHj+BHvmq6DYGVuuQ7ylLAODnsdhOeCx+fTxu4iwAuiw6LV1Fux"
    "7Ighay2CeMb2zpffN+HL76v58vuIL6e486PT0YI6IRgeuh8agPuhEtsPRWinNp098iUZMO"
    "KxMsR/vr/9qIa4RFhkbtbMR/+PbIv5HbC1aWDZvuWyY/G+l+BlAqgcG4sxP7o5+1txOi6u"
    "b8+L/EkMcF6YHGJaPvV0ZiWl2Gk6erYDusadbjg6hp4AnqXpSgzvjOm0I2oLVWf+mJG0xY"
    "Mpnj1usGcapRZ6SpVSuUS6PDW3Lnmg/D85PVf8j8Fcf1PMRqQMfmbk8Gble7zq4qfp+z28"
    "SZTI3GLkfzr/g4kfrt+z+4uzny9H33PQ55EWTc6pU3yCXS6xmNGniQ+JgLwja8oPggf+nz"
    "tSaN259nGd2u2FPbm2zLs207xHZ4gRxsQRIKkQl7H4iWSiuUcdxOU4xFuObLqggf/qGN3R"
    "DUMLyh/OCOJCQkS0xAyRbyuLy2bHo8JE7OcNO9gF5ICazClLMzjm1Ja8WW0HCGeObaH/5S"
    "m70f9egCEdrHa305HUHg+Vh5GCd8aHVDXPTMRvMFKCkVKTOYGR8tDZFxgpYR2U1gE/EeTP"
    "Gow5SzM4+fD0pAkLPqlmwSdFoxlxsGXr4JsQDA7cN43QfVMD75syvivM2IZyoYqrTUstE3"
    "uRsB28e2UAfn3axATMe1UiLtvyiHvU1mIYcf/u8JU8qhuZ7fX7JgAXeXwG3/elBe3RuWUT"
    "Y2XN/MBTIP1AvvlVXqMS6RCcGnUn7uXfHupNusmBe3378de4e9HOq56BqUW3QT8iA+S3R9"
    "6mMyy/dQv4s7QwB9vPAaMzC9tafj4FKXj6Wvc4eWRFPZ/DHrgK9e3KrdgfRbLCzFju3mbk"
    "ZF8n8UJ8wY+nr9/+4e2HN+/ffuBd5FcmT/5QMzdXHx+K/m3saqOaowFIH/RcdznsmWExFh"
    "CFlfA8Iv7lL3fErmLuGTPoOXYPUHSvctgV16iCJQNA6fEV/OtfNtkRo09ykKFCxIKpY0k3"
    "5Y4w3ScDDRWqGXUcIgh2wukiHGWoIK2pv+uGixD6nY80VJRmS+wbDmEML3ZGiw91E440VL"
    "REVIppLPhvO2L1K96fG+KlQRLwGGS9O4MSIF2um7GofqrHDYBiBLeB0ycbP20XDnY4SLUl"
    "IAi8hi8keJQ6bayuOz7ODXGmw11dEql2zsAQrEGfgeIv5WjxkWYt6Hw3/MebdLAhAhaauJ"
    "jhYFPhN9FaXXKkoePkEUbt9a4Wl8ZYHYrkoBW9V8z4SjKB1YDGkecNbBD54QaErWawozBW"
    "VcQ7Rnas+pBHI7aZNYkQ532P0cOSIN7PWhNEXYKOJhOLGeGDyeQVspiM1hZj/8DQLPD4LP"
    "mC8o/IJw7fDNh7Er8yRFwThZFShTDxfbzmqzuZ8J8MEXw1maDpkyB3GOE7nDUMJP8SAhbG"
    "XiYfM+K9vozioQtNEO4J4Z4duPIgzA/CPWEd7LgOhLNSTp4GY87SDDFCrvX4Lc45mSpypS"
    "ZALqEYIMDvTpoEffJelRDLtjzGzMeen0gjOgwtTwkM7bAZWlYm1Uq1y9C1sAb6qXwNYoZT"
    "TaM0xeeU2gS7FfpElq4wxVNOuK+dHasa3U7r+e3tdW5Gz6+KkX6fb84v+Ukmp5J3ssIcb2"
    "UQlPC8TZ8004aLdAM8ytpS2PL5N5o4Z0gA4qbFI/KIl+H+hXrEWrh/IU97rgjRj5Ph2ZoQ"
    "mUWmLgmh5BiA63O4Fplkg3obneWVf/LowsOOw//O67jmmLIwZrnbuL5AZkKQFDPbQxb6l1"
    "G2UtqaeNLj/A9ITu8VZx6DtRJEfrBWwjposA62qZu5c7XMBjN++NWLMqG70TmpAXGGZIAK"
    "SPsQY9vCTBUSUJ1HlyGB/Lkcu2olfy5wY/bf2EKfkgwhpXQfS36rrK8w/MjoNmenZ5MBKT"
    "sdR2zp6sXhulKpwsmKq9F+06W916prX0Zri1lTy7Z8aYfJq0RcX5UxPPk+pjWfWzM+QzUU"
    "XEJb0tgWpO5Sesr/z78oHQTChUABB8Vr1G/FCxRwWAdiDN/y9So9JQQDVAz3UkqL+RyOOD"
    "W4aaGbHNEQ1JGuK9xkX6+Be4EMkNdHPi9xNmUreaoOy8hxmIjnENOKQoUOMRwxL4k3NvLl"
    "qDqE3PTw3D9UrH280LLzxf3ByNe6kU+o4p60hRhzQkxhCtDh9RXkwPP1eT7joEoguRiuVc"
    "2yRNghG3oJ9WAf4OfMN02Zf45ogKJ8+3F8yVKN/Y+aiFfRD4HfdBzgFy7eMvgQipYPRctt"
    "8ueD/EortAWEK0LJDmt5N8W7aovnoOcfgz5+vr6uiwHMiPbYtkzsU9VljDo+od/jcQa03M"
    "F7BgXv9lokCcqSdeyBvZBVdivdsBdxEd7nfLFhud6GBSF+oxvEv+sJRX5cUVLBIwjzf3SO"
    "CJ4tUWoqQdg1UWqsGqNHsvIR+cbfIKsxeNZiEd3AlSsHsY+XfHW5aj+ZRCNOJuiIkfCSQc"
    "dahJotezVGjCIsDQ0/8LdSH9ui6gR/QuljsEIWn2WCTfEVGEnYqupI1LiWdwrBrqy7rJSP"
    "FQWXo6N4N//vPqXjVmpYV/t0D8v81503p3Xb32GZtg8YaEWwaiWXUB3AUJX9JW+vTHUNxU"
    "meU0Sqz/G83vP8IX7r8pOPMB/NMCPH4lSkzBKN/Fh8JGQV1lminkk8+VOoGqMFXpPyFb+7"
    "DqY8PCPJJDrUogEhealnVqe6cxZip3ZWKgYRMwOxU7AOxBgJE28urGRJupNZeq/bZI45dx"
    "VoRUolBIMQrLv2HdLA18Q7pQDAt7l5LSsFNpXm8qLjEGDv2GG4SrI4dnVnDe3SoHHBhZVb"
    "an0qXZFxyyi0yrzTplqtLHiJ9pyukymxktEAZEJNDudsIyiAoACC4N9vwV83yq374LYBSU"
    "wCvHiTlzCvVLQKVKBrKXQtviPE92mcKilFlxe9u498I7rdHCJNEoCq03/KyT/BbEYYMzxl"
    "AdNfbIqrAmMLhAW854Jyby6O4305OWrA/fn28/n1Jfp0d3lxdX8VRYsnXF82ikdpWcu7y7"
    "PronKFGVPddFJtjkkIwIFU5A5zbNlaYKYEAGYRTBl3oYFl0h+gLEKpqjWoa0+pHmIQItq+"
    "Q+HBiNUJzFA5GOyEXQPeop2wuJRbgHXg+RpaJZlVh1gbK3erhI1DRbxGEsjNwN3l/cPd1c"
    "VDs6SN8M5ml39iGyHkw0xI2KevIE5NUDgKMlkL1V6CbIJEkwsFo/6IughHAd7ipr8VFrf5"
    "TSaIOCv/6RWiHm/2yMp+Qj5F2KXCcRATl6PQWhr3qysuDQypOY2I/bY3+CmMYYsGFT/6S0"
    "/EgS/5LmAo4KvFk6Hjcg/wL0q/wCMOXYcR7F/dzZLaCa0IW4+/RNhsGLJ8FpNtLL7AAx9t"
    "sP0oxgtWjS8srHSWSE+KRAM8Kb2Ts8bgSQFPCoTSwTposA588k3LERH3H6CS++a0yWV6vF"
    "cl+5VtRSeaFAZCoDRwLtJ16PYJD/0fZ6nAdoiZLMFqTVWun0rLb0oApt+i6dekG1cTziwJ"
    "AFoEFErHdGMvz6ooje3lWSIoEgNeiX6azKEWTzNLo2YtHvBE7MkTEbLVFoBtXv+kZ3y4Mb"
    "DZA0g3FDwbZbayd7aDDw7s3JoUAmo7AP0eiboD2etdeAkkZNWeghjRZ70FRjKLbV96mU0j"
    "iN4VX7MBmeO9kZHGYO4GM+dzZk5N81v3ZrfOFJOWA60zjFED3zzVAFGGoLQDgbhGw85YwD"
    "tTWfoGeVOdJb+hIS6to7i0l0kJ5hzHvyGMVdxin22uF+B5R8MJe3aRFizDwyBepW8sGAR4"
    "EOCfE+AhXgXWQXwiuljvgukszRDl4CZhKzVRK+WgFSc9vJtinCEZIMTvTppgzHtVgizbCh"
    "W3WCTRKaSMc0ptgt0KQSNHWIB7yin3hXfypFsmdX57e53jT+dXxfIFn2/OL++OXkv400zl"
    "ctxFRgJsurIzJANc2WCnOBCIa+wUC+V5qK1LD+zWhHFBl87sYzBPDNo88Ws4iSW7RLzAqw"
    "0Syd0jezZEiFuGA/ki4vLlJfQOsEK8+BkGVgjQPuu1T0dZf6xGK+r+cs05ZqKCfjc777/+"
    "RuVVMLWtWTdgt+y4FWObQXQPLyP81aYiFKoyvr+KvLtY//85OZhof9umG34IxInuWvdYK4"
    "nhUuvckdHGpdYhYKWJqbXEJDQdGmFiGexgbTCp8NuUvacUHbJ2yzVkkQrC2KEephw3zzdi"
    "wVJHbM1TvpTYun8VdxBSaaJDak5ylg6muNdTLOQsd8EMvBIx/VscU0Vq8BponFh042rbtL"
    "M0YNSGLMKe+g7kMgVL93OW7uxuhhzCntx6krHPLlWWWa00rnzM4kDgzouJ693vnhculMv1"
    "sEKZ81vXxk/RNeK7ofRJDjRUmArX+ewG1TDrLObEd0qdHYH6K7aEEH/HR2qA0qEk4+7bDR"
    "zyqgpfcMLI6h3CRso4n69JeU8d4i9FmUWfnyhoyYfmM2UiS1SSFKON0SNZ+aLAI0Zzy7XY"
    "kreKBjTDLpoSWcWRsw7zJ/R/1HLZeFRAeA+v+Opy3XFN2BjFRmY0E+UoxRNxtI5FcUrzR9"
    "FVVqyU1iFZdFL8Fr6icU1JCMLvpY4wBvc3WKGesUI9cpB1NmPcf4CKefvGerH7dPyCcf9+"
    "uALFawfjCoQo4SFGCfdMJoYg4R4oIOPDCRLu2fLdNUaYvx99/Hx9/ZJBwpGNpkI9TC04z+"
    "iHGZtR2xWIMusxBhLKD/WL545rFCcuaFixWadhXF2WBOrmFj2xwl6xlSKaIwQ99LD1UJDP"
    "hyif/zdADAL6cAX0Q4W0x1l8Gc9ghZCe9x0+I6gXvJZNbhhLScQ9XFLQl86Q0N8ibv2Snp"
    "WfEPaRw485RF2CVrxT1Fc4SUQH1S1jrY4N6sPw1Afwu4C8C/JuJ/Juyos1gS4RAtygXoB6"
    "0TOwQb3or3qhZsMtADvIuMIivKXzp086nIhWvCHOVO1kybSO63Q3ET1pOLLjXpwscvx6Le"
    "lLvgUUpn4qTOAeAHWJ7yJC3C3WQIYMVsBhr4AMR2/KjzMkoF6ABtdDDc6LUj92lIr1Ekn6"
    "hnlTsTiznUGRG7SfKNQiKi+jyDY30TI0LqMYnaFNuJmQIP6BRckyafZNqLSgzZIiT5TIcs"
    "nMZ4gLGow/wz4n579hy1R5h9ocukleTmbHQF5Ofw6EOnUH/EMg7sacGS5FgEsRBnApAmhu"
    "oLkdJsSguYHm1lNIe6q5ZdezQnMrLPdqzS3SlIykykYTzU10jgLpGFpgoRaJqLspmfPFE0"
    "Xe/RFZXKdaitA7i8laB5HWJXoTZFNRIsFX6G7tDf7VPZpMEuFY3k9wbFtzMnvibGgyeXWM"
    "buUfxURRhieEwxGJiQKXC9FyWFn5QZZsYI2VQVFxVe6XTGVtUAVf/BAHVRBUQbgnEdZBAx"
    "9ozMAbxzHGBB2W2KYr4nbDgFu+OwFuqejslgq4cWXPdWf6dA9Iz2ocwD0gtQc03AMC94Ds"
    "UFXdcte8jaOox+ELZK2UAnpejezMGNmEv1ez9xJ3f4HUob4x8SHnWfQM613TLJoUBcp65J"
    "KQ8AKv1qirmw9CH4gBWOW4bAWnwRVI36d9W3gVbviPN4R/3CxkMwUbd7HLuM7OLc344rnh"
    "ZLo3sHWHlugfmIwU8kyZOP4r1wgf6Y+nKLwcRpinRXq5NBaLd6hCkrYeR5l2kfFKSK2tnH"
    "MRK3Ph0GCAfuljb1xjgO6/ot6ZjNG+ji79PmGdOcVKr9TNi2RQT6yog4QIbbQqtOVoANIi"
    "pFPCfIPx80ElBtsUV6CaJyvAOhd0ewP2eF/Q1uD28+3n8+tL9Onu8uLq/ioyYyQeBNmY15"
    "/vLs+ui+akNcdiQbYAu0QJeDfA26c+trdAu0AHWDfAOhL5dGBOSbpE+PW7k8MFWSFM1AGs"
    "EiL2Cu6bdweL7ZoKjVrtIqzBOE/WMat4f5hQhxvf2D70QTkAREAcdgSEh91HDak+7g5+y7"
    "JIb2Mum0ubramMKqnfXWXqFrZWzxAf0saBEDJYB6PY3Ax5Ih36DiGb4YCzGe7Iinr+SJWC"
    "HraMa7PPZZ/GHh2BgfTDCCqEpzTwRQ1heZvyWLaOOfNzHOL6iHoyeRxFfkB0NJn42FsQn4"
    "MoMggUjp62h2+achBIALLp52P0ZbTyKEfJCZf5GMU9ZVv4ibzz9ClaE8nLwV/00qxuXOMv"
    "goQFkDJA2oR1kFyVVGDyTZlzkW6Acmf7/uT0jNRAOkc0QJjbz7Qn31Y2FxfVN4BVA10gGy"
    "DUr08agS26Va/qE0UV90SG1El7ClSh9HvNxyGuGbmqDpF7lGXupmiXKQe4uNvnI/yYpfZ6"
    "O8CLlBDSrV++I121YJ15tnxHaYs/X8Ujs0q7A7hna7o5vsUd3atrdc+IZ82WI4UVLGoZ11"
    "nBcNqn1RrvBWOTll2o0mOo5KcKf2E0i7tZhXrvLay29KyJp77QoSZTOiUZooDw7l2TE+vd"
    "u+ojS7QVggH5ptJAOOo+QHRfNypL97qmLN3rclk6/kafuAoTVXW+boak+yzdl3F1t5aPWx"
    "LGujzMvv8H3Bldpg=="
)
