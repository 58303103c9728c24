from guidelines.markdown import render_markdown
from tests.factories import make_guideline


def test_script_tags_and_their_content_are_removed():
    html = render_markdown("Hei\n\n<script>alert('x')</script>\n\n<style>p{}</style>").html
    assert "<script" not in html
    assert "alert" not in html
    assert "<style" not in html


def test_event_handler_attributes_are_stripped():
    html = render_markdown('<p onclick="steal()">a</p><b onerror="steal()">b</b>').html
    assert "onclick" not in html
    assert "onerror" not in html
    assert "steal" not in html


def test_javascript_links_lose_their_href():
    html = render_markdown("[klikk](javascript:alert(1)) <a href='JaVaScRiPt:alert(2)'>x</a>").html
    assert "javascript" not in html.lower()
    assert "klikk" in html


def test_remote_images_are_not_loaded():
    html = render_markdown(
        '![logo](https://evil.example/track.png)\n\n<img src="https://evil.example/x.png" '
        'onerror="alert(1)">'
    ).html
    assert "<img" not in html
    assert "evil.example" not in html


def test_http_and_mailto_links_are_kept_with_noopener():
    html = render_markdown("[Helse](https://helse-mr.no) og [post](mailto:post@example.org)").html
    assert 'href="https://helse-mr.no"' in html
    assert 'href="mailto:post@example.org"' in html
    assert 'rel="noopener"' in html


def test_headings_get_prefixed_anchor_ids_and_a_table_of_contents():
    rendered = render_markdown("# Føremål & mål\n\ntekst\n\n## Under\n\n# Tiltak")
    assert '<h2 id="sec-føremål-mål">' in rendered.html
    assert [(e["level"], e["name"]) for e in rendered.toc] == [
        (2, "Føremål & mål"),
        (3, "Under"),
        (2, "Tiltak"),
    ]
    assert all(entry["id"].startswith("sec-") for entry in rendered.toc)


def test_typed_ids_that_could_clobber_the_page_are_dropped():
    html = render_markdown('<h2 id="main">x</h2><p id="csrf">y</p>').html
    assert 'id="main"' not in html
    assert 'id="csrf"' not in html


def test_lists_and_tables_survive():
    html = render_markdown("1. ein\n2. to\n\n- a\n\n| a | b |\n|---|---|\n| 1 | 2 |").html
    assert "<ol>" in html
    assert "<ul>" in html
    assert "<table>" in html
    assert "style=" not in html


def test_saving_a_guideline_caches_the_sanitised_html(db):
    guideline = make_guideline(body="# Del\n\n<script>x()</script>Tekst")
    assert guideline.body_html.startswith('<h2 id="sec-del">')
    assert "script" not in guideline.body_html
    assert guideline.body_text.endswith("Tekst")
    assert guideline.toc == [{"level": 2, "id": "sec-del", "name": "Del"}]
