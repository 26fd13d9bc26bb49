// A plain YAML editor with line numbers whose problem lines are marked, with
// the server's message beside them: the error is shown at the field.

import { useRef } from 'react';

export interface LineMark {
  line: number;
  message: string;
}

interface Props {
  value: string;
  onChange: (value: string) => void;
  marks: LineMark[];
  label: string;
  onDropFile?: (text: string, name: string) => void;
  readOnly?: boolean;
}

const lineHeight = 19;

export function YamlEditor({ value, onChange, marks, label, onDropFile, readOnly }: Props) {
  const gutter = useRef<HTMLDivElement>(null);
  const overlay = useRef<HTMLDivElement>(null);
  const lines = value.split('\n').length;
  const byLine = new Map<number, string[]>();
  for (const m of marks) byLine.set(m.line, [...(byLine.get(m.line) ?? []), m.message]);
  return (
    <div
      className="yaml-editor"
      onDragOver={(e) => onDropFile && e.preventDefault()}
      onDrop={(e) => {
        if (!onDropFile) return;
        e.preventDefault();
        const file = e.dataTransfer.files[0];
        if (file) void file.text().then((text) => onDropFile(text, file.name));
      }}
    >
      <div className="yaml-gutter" ref={gutter} aria-hidden>
        {Array.from({ length: lines }, (_, i) => (
          <div key={i} className={byLine.has(i + 1) ? 'gutter-line marked' : 'gutter-line'} style={{ height: lineHeight }}>
            {i + 1}
          </div>
        ))}
      </div>
      <div className="yaml-area">
        <div className="yaml-marks" ref={overlay} aria-hidden>
          {[...byLine.entries()].map(([line, messages]) => (
            <div key={line} className="yaml-mark" style={{ top: (line - 1) * lineHeight + 6, height: lineHeight }}>
              <span className="yaml-mark-text">{messages.join('; ')}</span>
            </div>
          ))}
        </div>
        <textarea
          aria-label={label}
          spellCheck={false}
          readOnly={readOnly}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
            if (overlay.current) overlay.current.style.transform = `translateY(${-e.currentTarget.scrollTop}px)`;
          }}
          style={{ lineHeight: `${lineHeight}px` }}
        />
      </div>
    </div>
  );
}
