"""The back matter's helpers: page ranges, index order, date ranges."""

from edition.render.backmatter import date_range, ranges, sort_key
from edition.model.calendars import PartialDate

D = PartialDate.parse


def test_page_ranges_are_merged():
    assert ranges([14, 12, 13, 87, 12]) == "12–14, 87"
    assert ranges([5]) == "5"
    assert ranges([]) == ""


def test_index_order_ignores_articles_diacritics_and_case():
    names = ["Zinoviev, Grigory", "the Tauride Palace", "Ágoston", "alliluyeva, Nadezhda", "Bukharin"]
    assert sorted(names, key=sort_key) == ["Ágoston", "alliluyeva, Nadezhda", "Bukharin", "the Tauride Palace",
                                            "Zinoviev, Grigory"]


def test_date_ranges():
    assert date_range(D("1917-11-07"), None) == "7 November 1917"
    assert date_range(D("1917-11-06"), D("1917-11-07")) == "6–7 November 1917"
    assert date_range(D("1917-08-08"), D("1917-08-16")) == "8–16 August 1917"
    assert date_range(D("1917-07-26"), D("1917-08-03")) == "26 July – 3 August 1917"
    assert date_range(D("1917-10"), None) == "October 1917"
    assert date_range(D("1913-01"), D("1913-02")) == "January–February 1913"
