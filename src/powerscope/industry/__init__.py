"""The defence industry (SIPRI Top 100 arms-producing and military services companies): a
country's companies, their arms revenue and ranks, the country's total and share of the Top 100
by year, against peers, with its arms exports (SIPRI TIV) beside them."""

from powerscope.industry.service import IndustryProfile, Top100Data, industry, load

__all__ = ["IndustryProfile", "Top100Data", "industry", "load"]
