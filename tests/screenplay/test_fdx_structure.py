"""Final Draft's own structures read as Final Draft means them: a scene's summary, a cut
(omitted) scene and a script note are metadata, not script text; styled runs nested in a Text
keep all their text; a paragraph without a Type is Final Draft's default element (General)."""

from __future__ import annotations

from taskbank.screenplay import parse_script, script_units

HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
OPEN = '<FinalDraft DocumentType="Script" Template="No" Version="5">\n<Content>\n'
CLOSE = "</Content>\n</FinalDraft>\n"


def fdx(*paragraphs: str) -> bytes:
    """A Final Draft document whose Content holds these paragraphs, one a line."""
    return (HEAD + OPEN + "\n".join(paragraphs) + "\n" + CLOSE).encode()


def para(kind: str, text: str, inside: str = "", number: str = "") -> str:
    """One paragraph as Final Draft writes it; `inside` goes before its Text (SceneProperties)."""
    numbered = f' Number="{number}"' if number else ""
    return f'<Paragraph Type="{kind}"{numbered}>{inside}<Text>{text}</Text></Paragraph>'


def summary(text: str) -> str:
    """A scene's summary, written by Final Draft 10 and later inside the heading's paragraph."""
    return (
        '<SceneProperties Length="1/8" Page="1" Title=""><Summary>'
        '<Paragraph Alignment="Left" FirstIndent="0.00" Leading="Regular" LeftIndent="0.00" '
        'RightIndent="1.39" SpaceBefore="0" Spacing="1" StartsNewPage="No">'
        f"<Text>{text}</Text></Paragraph></Summary></SceneProperties>"
    )


def test_a_scene_summary_leaves_the_heading_and_is_not_script_text():
    data = fdx(
        para("Scene Heading", "INT. DINER - NIGHT", inside=summary("Mara is refused coffee.")),
        para("Action", "Rain on the windows."),
        para("Character", "MARA"),
        para("Dialogue", "Coffee. Black."),
        para("Scene Heading", "EXT. STREET - NIGHT", inside=summary("She leaves.")),
        para("Character", "MARA"),
        para("Dialogue", "Fine."),
    )
    script = parse_script(data, "summary.fdx")
    assert [scene.heading for scene in script.scenes] == [
        "INT. DINER - NIGHT",
        "EXT. STREET - NIGHT",
    ]
    texts = [element.text for element in script.elements]
    assert "Mara is refused coffee." not in texts and "She leaves." not in texts


def test_arc_beats_in_scene_properties_are_not_script_text():
    beats = (
        '<SceneProperties Length="1/8" Page="1" Title=""><SceneArcBeats><CharacterArcBeat '
        'Name="MARA"><Paragraph Alignment="Left"><Text>Gives up.</Text></Paragraph>'
        "</CharacterArcBeat></SceneArcBeats></SceneProperties>"
    )
    data = fdx(
        para("Scene Heading", "INT. DINER - NIGHT", inside=beats),
        para("Character", "MARA"),
        para("Dialogue", "Coffee. Black."),
    )
    script = parse_script(data, "beats.fdx")
    assert [e.text for e in script.elements] == ["INT. DINER - NIGHT", "MARA", "Coffee. Black."]


def test_an_omitted_scene_and_its_cut_content_are_not_units():
    cut = (
        "<OmittedScene>"
        + para("Scene Heading", "EXT. YARD - DAY", number="2")
        + para("Character", "JOE")
        + para("Dialogue", "This scene was cut from the draft.")
        + "</OmittedScene>"
    )
    data = fdx(
        para("Scene Heading", "INT. DINER - NIGHT", number="1"),
        para("Character", "MARA"),
        para("Dialogue", "Coffee. Black."),
        f'<Paragraph Type="Scene Heading" Number="2"><Text>Omitted</Text>{cut}</Paragraph>',
        para("Scene Heading", "EXT. STREET - NIGHT", number="3"),
        para("Character", "MARA"),
        para("Dialogue", "Fine."),
    )
    script = parse_script(data, "omitted.fdx")
    assert [(s.number, s.heading) for s in script.scenes] == [
        ("1", "INT. DINER - NIGHT"),
        ("3", "EXT. STREET - NIGHT"),
    ]
    units = script_units(script, "scene")
    assert [u.external_id for u in units] == ["omitted.fdx#s001", "omitted.fdx#s003"]
    assert all("cut from the draft" not in u.excerpt and "JOE" not in u.characters for u in units)


def test_a_script_note_is_not_script_text():
    note = '<ScriptNote><Paragraph Type="Action"><Text>PRIVATE: cut this</Text></Paragraph></ScriptNote>'
    data = fdx(
        para("Scene Heading", "INT. DINER - NIGHT"),
        f'<Paragraph Type="Action"><Text>Rain on the windows.</Text>{note}</Paragraph>',
        para("Character", "MARA"),
        para("Dialogue", "Coffee. Black."),
    )
    texts = [e.text for e in parse_script(data, "note.fdx").elements]
    assert texts == ["INT. DINER - NIGHT", "Rain on the windows.", "MARA", "Coffee. Black."]


def test_text_nested_in_a_text_run_is_kept_in_order():
    data = fdx(
        para("Scene Heading", "INT. DINER - NIGHT"),
        para("Character", "MARA"),
        '<Paragraph Type="Dialogue"><Text>Coffee. <Text Style="Bold">Black.</Text> Now.</Text>'
        "</Paragraph>",
    )
    script = parse_script(data, "nested.fdx")
    assert script.elements[-1].text == "Coffee. Black. Now."


def test_a_paragraph_without_a_type_is_read_as_action_not_dropped():
    data = fdx(
        para("Scene Heading", "INT. DINER - NIGHT"),
        "<Paragraph><Text>The door swings shut.</Text></Paragraph>",
        para("Character", "MARA"),
        para("Dialogue", "Coffee. Black."),
    )
    script = parse_script(data, "untyped.fdx")
    assert [(e.kind, e.text) for e in script.elements] == [
        ("heading", "INT. DINER - NIGHT"),
        ("action", "The door swings shut."),
        ("cue", "MARA"),
        ("dialogue", "Coffee. Black."),
    ]
    assert script.elements[1].line == 5


def test_dual_dialogue_inside_an_untyped_paragraph_is_still_read_as_dual():
    # Final Draft wraps DualDialogue in a Paragraph without a Type: a container, not action.
    data = fdx(
        para("Scene Heading", "INT. ROOM - DAY"),
        "<Paragraph><DualDialogue>"
        + para("Character", "MARA")
        + para("Dialogue", "I love you.")
        + para("Character", "JOE")
        + para("Dialogue", "I know.")
        + "</DualDialogue></Paragraph>",
    )
    script = parse_script(data, "dual.fdx")
    assert [(e.kind, e.dual) for e in script.elements[1:]] == [
        ("cue", "left"),
        ("dialogue", "left"),
        ("cue", "right"),
        ("dialogue", "right"),
    ]
