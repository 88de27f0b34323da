"""What the build writes: the build/ layout and its atomic writer, the reveal.js export and its
offline assets, PDF printing and the contact sheet (through headless Chromium), the run sheet."""
