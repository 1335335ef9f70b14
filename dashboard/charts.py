"""Plotly figures in one house style: Brazilian number separators, BRL axes, no chart junk."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

BLUE, ORANGE, GREEN, RED, GREY = "#1f5f8b", "#f28e2b", "#59a14f", "#e15759", "#9aa5b1"
MONEY_HOVER = "R$ %{y:,.2f}"
CONFIG = {"displayModeBar": False}  # st.plotly_chart(fig, config=CONFIG): no toolbar over the titles


def _style(fig: go.Figure, height: int = 360) -> go.Figure:
    fig.update_layout(
        separators=",.",
        height=height,
        margin=dict(l=10, r=10, t=50, b=10),
        title=dict(x=0, xanchor="left", font=dict(size=15)),
        legend=dict(orientation="h", yanchor="top", y=-0.12, x=0),
        hovermode="x unified",
        plot_bgcolor="white",
    )
    fig.update_xaxes(showgrid=False)
    fig.update_yaxes(gridcolor="#eceff1")
    return fig


def revenue_and_orders(frame, x: str, title: str) -> go.Figure:
    """Revenue as bars (BRL) and orders as a line on a second axis."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_bar(x=frame[x], y=frame["revenue"], name="Revenue", marker_color=BLUE, hovertemplate=MONEY_HOVER)
    fig.add_scatter(
        x=frame[x],
        y=frame["orders"],
        name="Orders",
        mode="lines+markers",
        line_color=ORANGE,
        secondary_y=True,
        hovertemplate="%{y:,d}",
    )
    fig.update_yaxes(title_text="Revenue", tickprefix="R$ ", secondary_y=False)
    fig.update_yaxes(
        title_text="Orders", secondary_y=True, showgrid=False, rangemode="tozero", tickmode="auto", tickformat=",d"
    )
    fig.update_layout(title=title)
    return _style(fig)


def share_line(frame, x: str, y: str, title: str, name: str) -> go.Figure:
    """A rate over time, in percent."""
    fig = go.Figure(
        go.Scatter(x=frame[x], y=frame[y], name=name, mode="lines", line_color=ORANGE, hovertemplate="%{y:.1%}")
    )
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    fig.update_layout(title=title, showlegend=False)
    return _style(fig, 300)


def hbar(
    frame,
    label: str,
    value: str,
    title: str,
    money: bool = False,
    color: str = BLUE,
    text: str | None = None,
    height: int | None = None,
) -> go.Figure:
    """Horizontal bars, largest on top."""
    frame = frame.iloc[::-1]
    fig = go.Figure(
        go.Bar(
            x=frame[value],
            y=frame[label],
            orientation="h",
            marker_color=color,
            text=frame[text] if text else None,
            textposition="auto",
            hovertemplate=("R$ %{x:,.2f}" if money else "%{x:,.2f}") + "<extra></extra>",
        )
    )
    if money:
        fig.update_xaxes(tickprefix="R$ ")
    fig.update_layout(title=title, hovermode="closest")
    return _style(fig, height or max(260, 28 * len(frame) + 80))


def bars(
    frame, x: str, y: str, title: str, color: str = BLUE, percent: bool = False, money: bool = False, decimals: int = 0
) -> go.Figure:
    """Vertical bars over categories or time."""
    hover = "%{y:.1%}" if percent else MONEY_HOVER if money else f"%{{y:,.{decimals}f}}"
    fig = go.Figure(go.Bar(x=frame[x], y=frame[y], marker_color=color, hovertemplate=hover + "<extra></extra>"))
    if percent:
        fig.update_yaxes(tickformat=".0%")
    if money:
        fig.update_yaxes(tickprefix="R$ ")
    fig.update_layout(title=title)
    return _style(fig, 320)


def heatmap(pivot, title: str, money: bool = True) -> go.Figure:
    """A category × month matrix."""
    fig = go.Figure(
        go.Heatmap(
            z=pivot.values,
            x=[str(c) for c in pivot.columns],
            y=list(pivot.index),
            colorscale="Blues",
            hoverongaps=False,
            hovertemplate="%{y} %{x}: " + ("R$ %{z:,.2f}" if money else "%{z:,d}") + "<extra></extra>",
        )
    )
    fig.update_layout(title=title, hovermode="closest")
    return _style(fig, max(320, 22 * len(pivot.index) + 120))


def rate_and_days(frame, x: str, title: str) -> go.Figure:
    """Late-delivery rate as bars and mean delivery days as a line."""
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    fig.add_bar(x=frame[x], y=frame["late_rate"], name="Late rate", marker_color=RED, hovertemplate="%{y:.1%}")
    fig.add_scatter(
        x=frame[x],
        y=frame["avg_days"],
        name="Mean delivery days",
        mode="lines+markers",
        line_color=BLUE,
        secondary_y=True,
        hovertemplate="%{y:.1f} days",
    )
    fig.update_yaxes(title_text="Late deliveries", tickformat=".0%", secondary_y=False, rangemode="tozero")
    fig.update_yaxes(
        title_text="Days", secondary_y=True, showgrid=False, rangemode="tozero", tickmode="auto", tickformat=",.0f"
    )
    fig.update_layout(title=title)
    return _style(fig)
