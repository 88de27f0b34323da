"""The room's standard as rules: measured slides (plain data, as the page reports them) in,
problems naming the element out.  The browser side is tested in test_browser.py."""

from deckkit.output.legibility import judge

AREA = {"left": 0, "top": 0, "right": 1280, "bottom": 720}


def box(left, top, right, bottom):
    return {"left": left, "top": top, "right": right, "bottom": bottom}


def text(words, px, kind="text", tag="p", rects=None, clip=None):
    return {"tag": tag, "kind": kind, "px": px, "words": words,
            "rects": rects or [box(40, 200, 400, 230)], "clip": clip, "clipName": "div.x"}


def picture(alt="Bar chart: np.dot 24 GB/s", rect=None, min_font=20.0, natural=1000,
            shown=1000, tag="img"):
    return {"tag": tag, "rect": rect or box(640, 150, 1240, 550), "alt": alt, "role": None,
            "label": None, "minFont": min_font, "natural": natural, "shownWidth": shown,
            "src": "data:image/png;base64,AAAA"}


def slide(texts=(), pictures=(), chrome=()):
    return {"index": 4, "title": "A slide", "scale": 0.96, "area": AREA, "texts": list(texts),
            "pictures": list(pictures), "chrome": list(chrome)}


def problems(measured):
    return [p.problem for p in judge(measured)]


def test_a_slide_that_meets_the_standard_has_no_problems():
    ok = slide([text("a caption", 18.0), text("body", 28.8, "body"), text("x = 1", 21, "code")],
               [picture()], [{"name": "#deckkit-footer", "rect": box(20, 686, 110, 707),
                              "words": "E · Training Loop", "px": 18}])
    assert judge(ok) == []


def test_each_kind_of_text_has_its_own_floor():
    found = judge(slide([text("a caption", 13.8), text("a bullet", 23, "body"),
                         text("loss.backward()", 19, "code", tag="span")]))
    assert [str(p) for p in found] == [
        "slide 5 ('A slide'): p 'a caption': text text 13.8 px, under 18 px",
        "slide 5 ('A slide'): p 'a bullet': body text 23.0 px, under 24 px",
        "slide 5 ('A slide'): span 'loss.backward()': code text 19.0 px, under 20 px"]


def test_text_under_a_chart_or_outside_its_box_or_the_slide_is_found():
    under_chart = text("% of memory", 19, rects=[box(600, 300, 700, 320)])
    clipped = text("a long row", 19, rects=[box(40, 600, 900, 620)], clip=box(0, 0, 600, 720))
    off_slide = text("last line", 28.8, "body", rects=[box(40, 700, 400, 740)])
    found = problems(slide([under_chart, clipped, off_slide], [picture()]))
    assert found == ["drawn over or under a picture (img 'data:image/png;base64,AAAA')",
                     "clipped by its box (div.x)", "runs off the 1280×720 slide"]


def test_navigation_and_footer_must_not_cover_content():
    controls = {"name": "navigate-left", "rect": box(1172, 644, 1208, 680), "words": "", "px": 0}
    small_footer = {"name": "#deckkit-footer", "rect": box(20, 686, 110, 707),
                    "words": "H · Era Cards", "px": 15}
    code_line = text("# job 6", 21, "code", rects=[box(1100, 660, 1190, 678)])
    found = problems(slide([code_line], [picture(rect=box(700, 300, 1254, 657))],
                           [controls, small_footer]))
    assert found == ["covered by navigate-left", "text 15.0 px, under 18 px",
                     "covered by navigate-left"]


def test_pictures_need_alt_text_that_says_something_and_no_markup():
    vague = [picture(alt=a) for a in ("", "chart", "No description has been provided for this "
                                       "image")]
    markup = picture(alt="Diagram: input x<br/>(batch, d_in) → logits")
    assert problems(slide(pictures=vague + [markup])) == (
        ["no alt text that says what it shows"] * 3 + ["alt text contains markup"])


def test_text_inside_a_picture_is_judged_as_shown():
    shrunk = picture(min_font=20.0, natural=1345, shown=1180)   # a wide diagram, scaled down
    unknown = picture(min_font=float("nan"))                    # a raw matplotlib output
    assert problems(slide(pictures=[shrunk, unknown])) == [
        "text in the picture 17.5 px as shown, under 18 px",
        "text size inside the picture unknown (no data-min-font-px)"]
    assert problems(slide(pictures=[picture(min_font=20.0, natural=1000, shown=950)])) == []
    qr = dict(picture(alt="QR code for https://example.org", min_font=float("nan")), noText=True)
    assert problems(slide(pictures=[qr])) == []      # a QR code has no text to read


def test_a_chart_in_colours_outside_the_palette_is_found():
    chart = dict(picture(), offPalette="#1f77b4 #ff7f0e")   # matplotlib's own cycle
    assert problems(slide(pictures=[chart])) == [
        "the chart draws #1f77b4, #ff7f0e, outside the deck's palette: give each series its "
        "role's colour (deckkit.palette.colour)"]


def test_a_picture_that_does_not_load_is_found():
    broken = dict(picture(), broken=True)   # the browser shows its alt text in its place
    assert problems(slide(pictures=[broken])) == [
        "the picture does not load (the browser shows its alt text instead)"]


def test_a_code_line_wider_than_its_box_is_found_because_it_would_wrap():
    measured = slide()
    measured["wrapped"] = [{"words": "nn.utils.clip_grad_norm_(model.parameter", "width": 1230,
                            "room": 1180}]
    assert problems(measured) == ["a code line 50 px wider than its box: it wraps"]


def coloured(words, fg, bg=(255, 255, 255)):
    return dict(text(words, 28.8, "body"), fg=list(fg), bg=list(bg))


def test_text_contrast_is_held_to_the_themes_floor():
    from deckkit.output.legibility import MIN_CONTRAST, contrast

    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    grey, dark = (0x76, 0x76, 0x76), (0x59, 0x59, 0x59)  # 4.54:1 and 7.0:1 on white
    comment_on_code_box = coloured("# a comment", (0x40, 0x80, 0x80), (0xF5, 0xF5, 0xF5))
    measured = slide([coloured("grey", grey), coloured("dark", dark), comment_on_code_box])
    assert problems(measured) == ["contrast 4.17:1 against its background, under 4.5:1"]
    aaa = [p.problem for p in judge(measured, MIN_CONTRAST["high-contrast"])]
    assert aaa == ["contrast 4.54:1 against its background, under 7:1",
                   "contrast 4.17:1 against its background, under 7:1"]
