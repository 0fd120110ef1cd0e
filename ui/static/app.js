// Client-side behaviour of the chat page: citation chips open their source card, copy buttons copy
// the plain answer. Chatbot HTML loses data-* attributes, so everything is found through ids and classes.
(() => {
  const flash = (el) => {
    el.classList.remove("flash");
    void el.offsetWidth; // restart the animation
    el.classList.add("flash");
  };

  const openCitation = (id) => {
    const card = document.getElementById(id);
    if (!card) return false;
    const turn = card.closest("details.src-turn");
    if (turn) turn.open = true;
    card.open = true;
    card.scrollIntoView({ behavior: "smooth", block: "nearest" });
    flash(card);
    return true;
  };

  const copyText = async (text) => {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      // Plain http on a LAN address is not a secure context: fall back to a selected textarea.
      const area = document.createElement("textarea");
      area.value = text;
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
  };

  document.addEventListener("click", (ev) => {
    const chip = ev.target.closest("a.cite-chip");
    if (chip) {
      const id = (chip.getAttribute("href") || "").replace(/^#/, "");
      if (openCitation(id)) {
        ev.preventDefault();
        ev.stopPropagation();
      }
      return;
    }
    const copy = ev.target.closest("button.qa-copy");
    if (copy) {
      const plain = copy.closest(".qa-answer")?.querySelector(".qa-plain");
      if (!plain) return;
      ev.stopPropagation();
      copyText(plain.textContent).then(() => {
        copy.textContent = "已复制 ✓";
        setTimeout(() => { copy.textContent = "复制回答"; }, 1500);
      });
    }
  }, true);

  // Opening the whole document scrolls it to the highlighted sentence.
  document.addEventListener("toggle", (ev) => {
    const doc = ev.target;
    if (!(doc instanceof HTMLDetailsElement) || !doc.open || !doc.classList.contains("src-doc")) return;
    const box = doc.querySelector(".src-doc-text");
    const mark = box?.querySelector("mark");
    if (box && mark) box.scrollTop = mark.offsetTop - box.clientHeight / 3;
  }, true);
})();
